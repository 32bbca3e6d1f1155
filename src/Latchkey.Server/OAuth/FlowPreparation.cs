using System.Text.Json.Nodes;
using Latchkey.Server.Callers;
using Latchkey.Server.CredentialEntry;
using Latchkey.Server.Hosting;
using Latchkey.Server.Hosting.Validation;
using Latchkey.Server.Integrations;
using Latchkey.Server.Providers;

namespace Latchkey.Server.OAuth;

/// <summary>
/// Steps 1–10 of spec §5.1 for <c>GET /oauth/connect/:key</c>. Failures come back as <see cref="ApiError"/>s, which
/// all end on the WebSocket and the result page (<see cref="OAuthEndpoints.AnswerConnectFailureAsync"/>).
/// </summary>
public sealed class FlowPreparation(EntryRequest entry, IntegrationStore integrations, PublicUrls urls)
{
    private static readonly HashSet<string> OAuthModes = [AuthModes.OAuth2, AuthModes.OAuth1, AuthModes.App, AuthModes.Custom, AuthModes.McpOAuth2, AuthModes.McpOAuth2Generic];

    public async Task<Outcome<PreparedFlow>> PrepareAsync(Caller caller, string integrationKey, IQueryCollection query, CancellationToken cancellationToken)
    {
        var prepared = await entry.PrepareAsync(caller, integrationKey, query, mode => OAuthModes.Contains(mode), cancellationToken);
        if (prepared.Failed)
        {
            return ToFlowError(prepared.Error);
        }

        var context = prepared.Value;
        var session = caller.Session;
        var integration = context.Integration;
        var defaults = session?.DefaultsFor(integrationKey);

        // Client overrides let an end user bring their own OAuth app (spec §5.1 step 9).
        var overrides = QueryRules.Map(query, "credentials");
        var clientId = NonEmpty(overrides.GetValueOrDefault("oauth_client_id_override")) ?? integration.ClientId;
        var clientSecret = NonEmpty(overrides.GetValueOrDefault("oauth_client_secret_override")) ?? integrations.OpenSecrets(integration).ClientSecret;
        // APP signs in as the app alone; CUSTOM needs the app and the OAuth client of its user leg; an MCP server's client
        // is usually registered by Latchkey itself when the flow starts (spec §5.1 step 10).
        var mode = context.Provider.AuthMode;
        if (mode != AuthModes.App && !McpServers.IsMcp(mode) && (string.IsNullOrEmpty(clientId) || string.IsNullOrEmpty(clientSecret)))
        {
            return ApiError.BadRequest(ErrorCodes.ProviderConfigErr, $"Integration '{integrationKey}' has no OAuth client id and secret configured.");
        }

        if (mode is AuthModes.App or AuthModes.Custom &&
            (string.IsNullOrEmpty(integration.AppId) || string.IsNullOrEmpty(integration.AppLink) || integration.PrivateKeySealed is null))
        {
            return ApiError.BadRequest(ErrorCodes.ProviderConfigErr, $"Integration '{integrationKey}' has no GitHub App id, app link and private key configured.");
        }

        // Session defaults win over the request: authorization params replace, user scope comes from them (spec §5.1 step 7).
        var authorizationParams = defaults?["authorization_params"] is JsonObject fromSession
            ? fromSession.Where(p => p.Value is JsonValue).ToDictionary(p => p.Key, p => p.Value!.ToString(), StringComparer.Ordinal)
            : QueryRules.Map(query, "authorization_params");
        var userScope = session is null ? QueryRules.Last(query, "user_scope") : defaults?.GetString("user_scopes");
        var scopes = context.ConnectionConfig.GetString("oauth_scopes_override") is { Length: > 0 } scopeOverride
            ? scopeOverride.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            : integration.ScopeList;
        if (userScope is not null)
        {
            context.ConnectionConfig["user_scope"] = userScope;
        }

        var (tags, endUser, organization) = EntryRequest.Ownership(session);
        return new PreparedFlow(
            context,
            clientId ?? "",
            clientSecret ?? "",
            scopes,
            authorizationParams,
            userScope,
            NonEmpty(QueryRules.Last(query, "ws_client_id")),
            caller.Environment.CallbackUrl ?? urls.Callback,
            new FlowSecrets(
                ClientIdOverride: NonEmpty(overrides.GetValueOrDefault("oauth_client_id_override")),
                ClientSecretOverride: NonEmpty(overrides.GetValueOrDefault("oauth_client_secret_override")),
                RefreshTokenOverride: NonEmpty(overrides.GetValueOrDefault("oauth_refresh_token_override"))),
            new FlowOwnership(tags, endUser, organization, session?.Terms.WebhookUrlOverride));
    }

    // The credential-entry checks answer with HTTP error codes; the OAuth flow reports some of them as flow errors.
    private static ApiError ToFlowError(ApiError error) => error.Code switch
    {
        ErrorCodes.UnknownProviderConfig => ApiError.BadRequest(ErrorCodes.ProviderConfigErr, error.Message),
        ErrorCodes.UnknownProviderTemplate => ApiError.BadRequest(ErrorCodes.UnknownConfigKey, error.Message),
        ErrorCodes.InvalidAuthMode => ApiError.BadRequest(ErrorCodes.AuthModeErr, error.Message),
        ErrorCodes.InvalidQueryParams when error.Errors?.Any(e => e.Path.Count > 0 && e.Path[0] == "params") == true =>
            ApiError.BadRequest(ErrorCodes.UrlParamErr, string.Join("; ", error.Errors!.Select(e => e.Message))),
        _ => error,
    };

    private static string? NonEmpty(string? value) => string.IsNullOrEmpty(value) ? null : value;
}
