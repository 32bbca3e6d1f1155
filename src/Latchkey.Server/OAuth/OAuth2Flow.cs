using System.Text.Json.Nodes;
using Latchkey.Server.Hosting;
using Latchkey.Server.Integrations;
using Latchkey.Server.Providers;
using Latchkey.Server.Tokens;

namespace Latchkey.Server.OAuth;

/// <summary>
/// The credentials and connection config an OAuth flow produced, ready to be saved: under the flow's connection id,
/// or under <paramref name="ConnectionId"/> when the flow updates another connection (a GitHub App installation
/// already connected). <paramref name="IsPending"/> tells the SDK the connection still awaits something (spec §2.9).
/// </summary>
public sealed record CompletedAuth(JsonObject Credentials, DateTimeOffset? ExpiresAt, JsonObject ConnectionConfig, string? ConnectionId = null, bool IsPending = false)
{
    public override string ToString() => "CompletedAuth [credentials redacted]";
}

/// <summary>The authorization-code grant: the redirect to the provider (spec §5.3) and the exchange at the callback (§5.4–5.5).</summary>
public sealed class OAuth2Flow(OAuthSessionStore sessions, TokenEndpoint tokens, IntegrationStore integrations, PostConnectionValues postConnection, TimeProvider clock)
    : IAuthorizationGrant
{
    public async Task<Outcome<(string Url, string State, string Binding)>> StartAsync(PreparedFlow prepared, CancellationToken cancellationToken)
    {
        var provider = prepared.Entry.Provider;
        var config = prepared.Entry.ConnectionConfig;
        var values = TemplateValues.Of(config);
        if (provider.TokenParams.Values.Any(template => !Template.IsComplete(Template.Render(template, values))))
        {
            return ApiError.BadRequest(ErrorCodes.UrlParamErr, "The provider's token_params need connection settings that were not given.");
        }

        if (provider.TokenParams.TryGetValue("grant_type", out var grant) && grant != "authorization_code")
        {
            return ApiError.BadRequest(ErrorCodes.GrantTypeErr, $"The provider is set up for the '{grant}' grant, not authorization_code.");
        }

        var verifier = provider.DisablePkce ? null : AuthorizationUrl.NewCodeVerifier();
        var state = OAuthSessionStore.NewState();
        var url = AuthorizationUrl.Build(new AuthorizationRequest(provider, prepared.ClientId, prepared.CallbackUrl, state, prepared.Scopes,
            config, verifier, prepared.AuthorizationParams, prepared.UserScope));
        if (url.Failed)
        {
            return url.Error;
        }

        var flow = ToFlow(prepared, prepared.Secrets with { CodeVerifier = verifier }, clock.GetUtcNow());
        var (_, binding) = await sessions.CreateAsync(flow, cancellationToken, state);
        return (url.Value, state, binding);
    }

    public async Task<Outcome<CompletedAuth>> CompleteAsync(OAuthFlow flow, Integration integration, Provider provider, IQueryCollection query, CancellationToken cancellationToken)
    {
        var code = CodeOf(provider, query);
        if (code.Failed)
        {
            return code.Error;
        }

        var clientId = flow.Secrets.ClientIdOverride ?? integration.ClientId ?? "";
        var clientSecret = flow.Secrets.ClientSecretOverride ?? integrations.OpenSecrets(integration).ClientSecret ?? "";
        return await ExchangeAsync(flow, provider, code.Value, clientId, clientSecret, query, cancellationToken);
    }

    /// <summary>The code exchange with a given client (spec §5.5), and the connection config and credentials it yields.</summary>
    public async Task<Outcome<CompletedAuth>> ExchangeAsync(
        OAuthFlow flow, Provider provider, string code, string clientId, string clientSecret, IQueryCollection query, CancellationToken cancellationToken)
    {
        var values = TemplateValues.Of(flow.ConnectionConfig);
        var tokenUrl = ProviderUrls.Render(provider.TokenUrlFor(AuthModes.OAuth2) ?? "", values);
        if (tokenUrl is null)
        {
            return ApiError.BadRequest(ErrorCodes.UrlParamErr, "The provider's token_url needs connection settings that were not given.");
        }

        var parameters = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["grant_type"] = "authorization_code",
            ["code"] = code,
            ["redirect_uri"] = flow.CallbackUrl,
        };
        foreach (var (key, template) in provider.TokenParams)
        {
            parameters[key] = Template.Render(template, values);
        }

        if (flow.Secrets.CodeVerifier is { } verifier)
        {
            parameters["code_verifier"] = verifier;
        }

        var answer = await tokens.RequestAsync(provider, tokenUrl, parameters, new TokenClient(clientId, clientSecret), flow.ConnectionConfig, cancellationToken);
        if (!answer.Succeeded)
        {
            return answer.FaultFor(provider.DisplayName, "exchange the authorization code")
                ?? ApiError.BadRequest(ErrorCodes.UnknownErr, $"{provider.DisplayName} refused the authorization code: {answer.Describe()}.");
        }

        var parsed = TokenResponse.OAuth2(provider, answer.Body!, clock.GetUtcNow());
        if (parsed is null)
        {
            return ApiError.BadRequest(ErrorCodes.UnknownErr, $"{provider.DisplayName}'s token response has no access token.");
        }

        var (credentials, expiresAt) = parsed.Value;
        var config = ConnectionConfigAfterExchange(provider, flow, answer.Body!, query);
        ApplyOverrides(flow.Secrets, credentials, config);
        var withPostConnection = await postConnection.AddToAsync(config, provider, credentials.GetString("access_token")!, cancellationToken);
        return withPostConnection.Failed ? withPostConnection.Error : new CompletedAuth(credentials, expiresAt, withPostConnection.Value);
    }

    /// <summary>The authorization code of a callback, or the callback error that says why there is none (spec §5.4 step 4).</summary>
    public static Outcome<string> CodeOf(Provider provider, IQueryCollection query)
    {
        // RFC 6749 §4.1.2.1: an error response replaces the code. A callback that carries both was not written by a
        // provider following the spec (or was tampered with on the way), so it fails rather than trusting the code.
        if (query.TryGetValue("error", out var error) && error.ToString().Length > 0)
        {
            return ApiError.BadRequest(ErrorCodes.CallbackErr, $"{provider.DisplayName} answered with an error{ProviderErrorText(query)}.");
        }

        var code = query[provider.GetString("authorization_code_param_in_callback", "code")].ToString();
        return code.Length > 0 ? code
            : ApiError.BadRequest(ErrorCodes.CallbackErr, $"{provider.DisplayName} did not return an authorization code{ProviderErrorText(query)}.");
    }

    /// <summary>
    /// Token-response and callback metadata, under the session's non-empty values (spec §5.4 step 7) — except for the
    /// fields the catalog marks <c>automated</c> (§8.3, filled by the system): there the provider's answer wins.
    /// </summary>
    private static JsonObject ConnectionConfigAfterExchange(Provider provider, OAuthFlow flow, JsonObject body, IQueryCollection query)
    {
        var config = new JsonObject();
        TokenResponse.CopyMetadata(provider, "token_response_metadata", body, config);
        foreach (var key in provider.Definition.GetStringList("redirect_uri_metadata"))
        {
            if (query.TryGetValue(key, out var value) && value.Count > 0)
            {
                config[key] = value.ToString();
            }
        }

        foreach (var (key, value) in flow.ConnectionConfig)
        {
            if (config.ContainsKey(key) && provider.ConnectionConfigFields.TryGetValue(key, out var field) && field.Automated)
            {
                continue;
            }

            if (value is not JsonValue scalar || scalar.ToString().Length > 0 || !config.ContainsKey(key))
            {
                config[key] = value?.DeepClone();
            }
        }

        return config;
    }

    // Step 8 of spec §5.4: client overrides travel with the credentials; a refresh-token override replaces the token.
    private static void ApplyOverrides(FlowSecrets secrets, JsonObject credentials, JsonObject config)
    {
        if (secrets.ClientIdOverride is not null || secrets.ClientSecretOverride is not null)
        {
            credentials["config_override"] = new JsonObject { ["client_id"] = secrets.ClientIdOverride, ["client_secret"] = secrets.ClientSecretOverride };
        }

        if (secrets.RefreshTokenOverride is { } refreshToken)
        {
            credentials["refresh_token"] = refreshToken;
            if (credentials["raw"] is JsonObject raw)
            {
                raw["refresh_token"] = refreshToken;
            }

            config["overrideTokenRefresh"] = true;
        }

        if (config["oauth_scopes_override"] is JsonValue scopes && scopes.ToString() is { } text)
        {
            config["oauth_scopes_override"] = new JsonArray(text.Split(',', StringSplitOptions.RemoveEmptyEntries).Select(s => (JsonNode?)s.Trim()).ToArray());
        }
    }

    internal static OAuthFlow ToFlow(PreparedFlow prepared, FlowSecrets secrets, DateTimeOffset now) => new(
        prepared.Entry.Caller.EnvironmentId,
        prepared.Entry.Integration.Id,
        prepared.Entry.ConnectionId,
        prepared.Entry.Caller.Session?.Id,
        prepared.CallbackUrl,
        prepared.Entry.ConnectionConfig,
        prepared.Ownership,
        prepared.WebSocketClientId,
        secrets,
        now + OAuthSessionStore.Lifetime,
        prepared.ReturnTo);

    private static readonly string[] ProviderErrorParams = ["error", "error_description", "error_reason", "error_message", "status_code"];

    // Provider error parameters on the callback (denied consent and the like), as text for the error message.
    internal static string ProviderErrorText(IQueryCollection query)
    {
        var parts = ProviderErrorParams.Where(query.ContainsKey).Select(key => $"{key}={query[key]}").ToArray();
        return parts.Length == 0 ? "" : $" ({string.Join(", ", parts)})";
    }
}
