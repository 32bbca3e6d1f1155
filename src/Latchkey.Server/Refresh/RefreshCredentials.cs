using System.Text.Json.Nodes;
using Latchkey.Server.Connections;
using Latchkey.Server.Hosting;
using Latchkey.Server.Integrations;
using Latchkey.Server.Providers;
using Latchkey.Server.Tokens;

namespace Latchkey.Server.Refresh;

/// <summary>
/// Asks the provider for new credentials: a refresh-token grant (OAuth 2, also at an MCP server's discovered token
/// endpoint), a new client-credentials grant, a new TWO_STEP exchange or BILL session, a new installation token (APP),
/// or a token this server signs again (JWT, SIGNATURE).
/// </summary>
public sealed class RefreshCredentials(
    ProviderCatalog catalog, IntegrationStore integrations, McpClientStore mcpClients, TokenEndpoint tokens, ClientCredentialsGrant clientCredentials,
    TwoStepExchange twoStep, JwtTokens jwt, WsseTokens wsse, BillSessions bill, AppInstallationTokens appTokens, TimeProvider clock)
{
    public Provider? ProviderOf(StoredConnection connection) => catalog.Find(connection.Provider);

    public async Task<Outcome<(JsonObject Credentials, DateTimeOffset? ExpiresAt, JsonObject? Config)>> ObtainAsync(
        StoredConnection connection, JsonObject credentials, CancellationToken cancellationToken)
    {
        var provider = ProviderOf(connection);
        var integration = await integrations.GetAsync(connection.IntegrationId, cancellationToken);
        if (provider is null || integration is null)
        {
            return ApiError.BadRequest(ErrorCodes.RefreshTokenExternalError, "The connection's integration or provider no longer exists.");
        }

        var config = connection.ConnectionConfigObject();
        if (credentials.GetString("type") == AuthModes.Jwt)
        {
            var signed = jwt.Sign(provider, credentials);
            return signed.Failed ? ApiError.BadRequest(ErrorCodes.RefreshTokenExternalError, signed.Error.Message ?? "") : (signed.Value.Credentials, signed.Value.ExpiresAt, null);
        }

        if (credentials.GetString("type") == AuthModes.Signature)
        {
            var signed = wsse.Sign(provider, credentials);
            return signed.Failed ? ApiError.BadRequest(ErrorCodes.RefreshTokenExternalError, signed.Error.Message ?? "") : (signed.Value.Credentials, signed.Value.ExpiresAt, null);
        }

        if (credentials.GetString("type") == AuthModes.Bill)
        {
            var session = await bill.SignInAsync(provider, credentials, config, cancellationToken);
            return session.Failed
                ? RefreshError(session.Error)
                : (session.Value.Credentials, session.Value.ExpiresAt, null);
        }

        if (credentials.GetString("type") == AuthModes.App)
        {
            // A new installation token under a new app JWT; the app id noted at install time names the app that was installed.
            var app = new AppIdentity(config.GetString("app_id") ?? integration.AppId ?? "", integrations.OpenSecrets(integration).PrivateKey ?? "");
            var minted = await appTokens.MintAsync(provider, app, config, cancellationToken);
            return minted.Failed
                ? RefreshError(minted.Error)
                : (minted.Value.Credentials, minted.Value.ExpiresAt, null);
        }

        if (credentials.GetString("type") == AuthModes.TwoStep)
        {
            var exchanged = await twoStep.ExchangeAsync(provider, credentials, config, cancellationToken);
            return exchanged.Failed
                ? RefreshError(exchanged.Error)
                : (exchanged.Value.Credentials, exchanged.Value.ExpiresAt, null);
        }

        if (credentials.GetString("type") == AuthModes.OAuth2ClientCredentials)
        {
            var granted = await clientCredentials.RequestAsync(provider, TokenClient.Of(credentials), integration.ScopeList, config, new Dictionary<string, string>(), cancellationToken);
            return granted.Failed ? granted.Error : (granted.Value.Credentials, granted.Value.ExpiresAt, null);
        }

        // An MCP server's token endpoint and client are the ones its flow discovered and registered.
        var mcpClient = McpServers.IsMcp(provider.AuthMode) && McpServers.ServerUrl(provider, config) is { } serverUrl
            ? await mcpClients.FindAsync(integration.Id, serverUrl.ToString(), cancellationToken)
            : null;
        if (McpServers.IsMcp(provider.AuthMode))
        {
            if (mcpClient is null)
            {
                return ApiError.BadRequest(ErrorCodes.RefreshTokenExternalError, "Latchkey has no client at this connection's MCP server any more; reconnect it.");
            }

            provider = McpServers.Bind(provider, mcpClient.Endpoints);
        }

        var values = TemplateValues.Of(config);
        // Some providers refresh on an endpoint of their own (refresh_url); the request is the same grant.
        var tokenUrl = ProviderUrls.Render(provider.GetString("refresh_url") is { Length: > 0 } refreshUrl ? refreshUrl : provider.TokenUrlFor(AuthModes.OAuth2) ?? "", values);
        if (tokenUrl is null)
        {
            return ApiError.BadRequest(ErrorCodes.RefreshTokenExternalError, "The provider's token_url needs connection settings that were not given.");
        }

        // The provider's refresh (or token) params go under grant_type=refresh_token, never over it (DESIGN decision 1).
        var parameters = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (key, template) in provider.RefreshParams.Count > 0 ? provider.RefreshParams : provider.TokenParams)
        {
            parameters[key] = Template.Render(template, values);
        }

        var previousRefreshToken = credentials.GetString("refresh_token")!;
        parameters["grant_type"] = "refresh_token";
        parameters["refresh_token"] = previousRefreshToken;
        var overrides = credentials["config_override"] as JsonObject;
        var (clientId, clientSecret) = overrides?.GetString("client_id") is { } overrideId && overrides.GetString("client_secret") is { } overrideSecret
            ? (overrideId, overrideSecret)
            : mcpClient is { IsRegistered: true }
                ? (mcpClient.ClientId!, mcpClients.OpenSecret(mcpClient) ?? "")
                : (integration.ClientId ?? "", integrations.OpenSecrets(integration).ClientSecret ?? "");

        var answer = await tokens.RequestAsync(provider, tokenUrl, parameters, new TokenClient(clientId, clientSecret), config, cancellationToken);
        var parsed = answer.Succeeded ? TokenResponse.OAuth2(provider, answer.Body!, clock.GetUtcNow(), previousRefreshToken) : null;
        if (parsed is not { } refreshed)
        {
            return answer.FaultFor(provider.DisplayName, "refresh the credentials")
                ?? ApiError.BadRequest(ErrorCodes.RefreshTokenExternalError, $"{provider.DisplayName} refused to refresh the credentials: {answer.Describe()}.");
        }

        if (overrides is not null)
        {
            refreshed.Credentials["config_override"] = overrides.DeepClone();
        }

        var newConfig = config.DeepClone().AsObject();
        TokenResponse.CopyMetadata(provider, "refresh_token_response_metadata", answer.Body!, newConfig);
        return (refreshed.Credentials, refreshed.ExpiresAt, newConfig);
    }

    // A provider that gave no verdict keeps its own code: the credentials may be fine, and the reader should retry.
    private static ApiError RefreshError(ApiError error) =>
        ProviderFaults.IsNoVerdict(error.Code) ? error : ApiError.BadRequest(ErrorCodes.RefreshTokenExternalError, error.Message ?? "");
}
