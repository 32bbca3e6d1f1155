using System.Text.Json.Nodes;
using Latchkey.Server.Hosting;
using Latchkey.Server.Providers;

namespace Latchkey.Server.Tokens;

/// <summary>The OAuth 2 client-credentials grant (spec §5.5.3), at connection time and whenever its token expires.</summary>
public sealed class ClientCredentialsGrant(TokenEndpoint tokens, TimeProvider clock)
{
    /// <param name="provider">The OAUTH2_CC provider.</param>
    /// <param name="client">The end user's client: id, and secret, private key or certificate.</param>
    /// <param name="scopes">The integration's scopes.</param>
    /// <param name="config">Connection config, for templated token URLs and params.</param>
    /// <param name="extraParams">The session's authorization params, appended last.</param>
    /// <param name="cancellationToken">Cancels the request.</param>
    public async Task<Outcome<(JsonObject Credentials, DateTimeOffset ExpiresAt)>> RequestAsync(
        Provider provider, TokenClient client, IReadOnlyList<string> scopes, JsonObject config,
        IReadOnlyDictionary<string, string> extraParams, CancellationToken cancellationToken)
    {
        var values = TemplateValues.Of(config);
        var tokenUrl = ProviderUrls.Render(provider.TokenUrlFor(AuthModes.OAuth2ClientCredentials) ?? "", values);
        if (tokenUrl is null)
        {
            return ApiError.BadRequest(ErrorCodes.ClientCredentialsFetchError, "The provider's token_url needs connection settings that were not given.");
        }

        var parameters = new Dictionary<string, string>(StringComparer.Ordinal) { ["grant_type"] = "client_credentials" };
        foreach (var (key, template) in provider.TokenParams)
        {
            parameters[key] = Template.Render(template, values);
        }

        if (scopes.Count > 0)
        {
            parameters["scope"] = string.Join(provider.ScopeSeparator, scopes);
        }

        foreach (var (key, value) in extraParams)
        {
            parameters[key] = value;
        }

        if (provider.GetString("token_request_auth_method") == "custom")
        {
            // Providers that take the client as a username/password pair (spec §5.5.3).
            parameters["username"] = client.Id;
            parameters["password"] = client.Secret;
        }

        var answer = await tokens.RequestAsync(provider, tokenUrl, parameters, client, config, cancellationToken);
        var parsed = answer.Succeeded ? TokenResponse.ClientCredentials(provider, answer.Body!, clock.GetUtcNow(), client) : null;
        return parsed is { } ok
            ? ok
            : answer.FaultFor(provider.DisplayName, "issue a token for these client credentials") ?? ApiError.BadRequest(ErrorCodes.ClientCredentialsFetchError, $"{provider.DisplayName} did not issue a token for these client credentials: {answer.Describe()}.");
    }
}
