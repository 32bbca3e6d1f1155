namespace Latchkey.Server.Providers;

/// <summary>The <c>auth_mode</c> values of spec §8.4.</summary>
public static class AuthModes
{
    public const string OAuth1 = "OAUTH1";
    public const string OAuth2 = "OAUTH2";
    public const string OAuth2ClientCredentials = "OAUTH2_CC";
    public const string Basic = "BASIC";
    public const string ApiKey = "API_KEY";
    public const string None = "NONE";
    public const string App = "APP";
    public const string Custom = "CUSTOM";
    public const string Tba = "TBA";
    public const string Jwt = "JWT";
    public const string Bill = "BILL";
    public const string TwoStep = "TWO_STEP";
    public const string Signature = "SIGNATURE";
    public const string McpOAuth2 = "MCP_OAUTH2";
    public const string McpOAuth2Generic = "MCP_OAUTH2_GENERIC";
    public const string InstallPlugin = "INSTALL_PLUGIN";
    public const string AwsSigV4 = "AWS_SIGV4";

    public static readonly IReadOnlySet<string> All = new HashSet<string>(StringComparer.Ordinal)
    {
        OAuth1, OAuth2, OAuth2ClientCredentials, Basic, ApiKey, None, App, Custom, Tba, Jwt, Bill, TwoStep, Signature,
        McpOAuth2, McpOAuth2Generic, InstallPlugin, AwsSigV4, "APP_STORE", "TABLEAU",
    };

    /// <summary>Modes whose integrations need an OAuth client id and secret (spec §4.7).</summary>
    public static bool RequiresIntegrationCredentials(string mode) => mode is OAuth1 or OAuth2 or App or Custom;
}
