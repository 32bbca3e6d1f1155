namespace Latchkey.Server.Demo;

/// <summary>
/// The two catalog entries of the demo provider, pointing at this server: <c>latchkey-demo</c> (API key, verified
/// before saving) and <c>latchkey-demo-oauth</c> (OAuth 2 with PKCE and refresh). Their key shape cannot hold a
/// real credential: only <c>demo_…</c> keys are accepted, and the OAuth client is the documented demo one.
/// </summary>
public static class DemoCatalog
{
    public const string ApiKeyProvider = "latchkey-demo";
    public const string OAuthProvider = "latchkey-demo-oauth";

    /// <summary>The key field's help (translated with the catalog's common texts).</summary>
    public const string KeyDescription = "Made up, never a real key: demo_ and at least 8 letters or digits, e.g. demo_12345678";

    public static string Yaml(string baseUrl) => $$"""
        {{ApiKeyProvider}}:
          display_name: Latchkey demo (API key)
          categories: [dev-tools]
          auth_mode: API_KEY
          docs: {{baseUrl}}/
          proxy:
            base_url: {{baseUrl}}/api
            headers:
              authorization: Bearer ${apiKey}
            verification:
              method: GET
              endpoints: [/me]
          credentials:
            apiKey:
              type: string
              title: API key
              description: "{{KeyDescription}}"
              example: demo_12345678
              pattern: '{{DemoProvider.KeyPattern}}'
              secret: true

        {{OAuthProvider}}:
          display_name: Latchkey demo (OAuth 2)
          categories: [dev-tools]
          auth_mode: OAUTH2
          docs: {{baseUrl}}/
          authorization_url: {{baseUrl}}/oauth/authorize
          token_url: {{baseUrl}}/oauth/token
          authorization_params:
            response_type: code
          token_params:
            grant_type: authorization_code
          refresh_params:
            grant_type: refresh_token
          default_scopes: [profile]
          proxy:
            base_url: {{baseUrl}}/api
        """;
}
