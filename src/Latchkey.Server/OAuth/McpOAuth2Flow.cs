using System.Text.Json.Nodes;
using Latchkey.Server.Hosting;
using Latchkey.Server.Integrations;
using Latchkey.Server.Providers;
using Latchkey.Server.Tokens;

namespace Latchkey.Server.OAuth;

/// <summary>
/// The grant of remote MCP servers (<c>MCP_OAUTH2</c>, <c>MCP_OAUTH2_GENERIC</c>, spec §5.1 step 11): discover the
/// server's authorization server, use the client Latchkey registered there (registering once, RFC 7591) or the
/// integration's own, then the ordinary authorization-code flow of <see cref="OAuth2Flow"/> with PKCE and the RFC 8707
/// <c>resource</c>. The credentials are plain <c>OAUTH2</c> credentials.
/// </summary>
public sealed class McpOAuth2Flow(
    OAuth2Flow oauth2, McpDiscovery discovery, McpClientRegistration registration, McpClientStore clients, IntegrationStore integrations, TimeProvider clock)
    : IAuthorizationGrant
{
    public async Task<Outcome<(string Url, string State, string Binding)>> StartAsync(PreparedFlow prepared, CancellationToken cancellationToken)
    {
        var provider = prepared.Entry.Provider;
        if (McpServers.ServerUrl(provider, prepared.Entry.ConnectionConfig) is not { } serverUrl)
        {
            return ApiError.BadRequest(ErrorCodes.UrlParamErr, provider.AuthMode == AuthModes.McpOAuth2Generic
                ? $"This integration needs the MCP server's URL: an absolute http(s) URL in the connection setting {McpServers.ServerUrlSetting}."
                : $"The catalog entry of {provider.DisplayName} has no usable {McpServers.ServerUrlSetting}.");
        }

        var server = await discovery.DiscoverAsync(serverUrl, cancellationToken);
        if (server.Failed)
        {
            return server.Error;
        }

        var client = await ClientForAsync(prepared, serverUrl, server.Value, cancellationToken);
        if (client.Failed)
        {
            return client.Error;
        }

        // With no scopes configured, ask for what the server suggests (its challenge or its resource metadata).
        var bound = McpServers.Bind(provider, client.Value.Endpoints);
        return await oauth2.StartAsync(prepared with
        {
            Entry = prepared.Entry with { Provider = bound },
            ClientId = client.Value.ClientId ?? prepared.ClientId,
            Scopes = prepared.Scopes.Count > 0 ? prepared.Scopes : server.Value.SuggestedScopes,
        }, cancellationToken);
    }

    public async Task<Outcome<CompletedAuth>> CompleteAsync(OAuthFlow flow, Integration integration, Provider provider, IQueryCollection query, CancellationToken cancellationToken)
    {
        var code = OAuth2Flow.CodeOf(provider, query);
        if (code.Failed)
        {
            return code.Error;
        }

        var serverUrl = McpServers.ServerUrl(provider, flow.ConnectionConfig);
        var client = serverUrl is null ? null : await clients.FindAsync(integration.Id, serverUrl.ToString(), cancellationToken);
        if (client is null)
        {
            return ApiError.BadRequest(ErrorCodes.UnknownErr, "Latchkey's client at this MCP server was removed while the sign-in was in progress. Start again.");
        }

        // RFC 9207: an issuer on the callback must be the authorization server the user was sent to.
        if (query.TryGetValue("iss", out var issuer) && !string.Equals(issuer.ToString().TrimEnd('/'), client.Issuer.TrimEnd('/'), StringComparison.Ordinal))
        {
            return ApiError.BadRequest(ErrorCodes.CallbackErr, "The authorization response came from an unexpected issuer.");
        }

        var clientId = flow.Secrets.ClientIdOverride ?? client.ClientId ?? integration.ClientId ?? "";
        var clientSecret = flow.Secrets.ClientSecretOverride ?? (client.IsRegistered ? clients.OpenSecret(client) : integrations.OpenSecrets(integration).ClientSecret) ?? "";
        return await oauth2.ExchangeAsync(flow, McpServers.Bind(provider, client.Endpoints), code.Value, clientId, clientSecret, query, cancellationToken);
    }

    /// <summary>
    /// The client to use at this server: the integration's own (a client id on the integration or in the flow's
    /// overrides, or <c>client_registration: static</c>), else the one registered before for this integration and
    /// server, else a new registration. What was discovered is remembered for the callback and for refreshes.
    /// </summary>
    private async Task<Outcome<McpClient>> ClientForAsync(PreparedFlow prepared, Uri serverUrl, McpAuthorizationServer server, CancellationToken cancellationToken)
    {
        var provider = prepared.Entry.Provider;
        var integration = prepared.Entry.Integration;
        var existing = await clients.FindAsync(integration.Id, serverUrl.ToString(), cancellationToken);
        var mode = provider.GetString("client_registration", "dynamic");
        if (mode == "cimd")
        {
            return ApiError.BadRequest(ErrorCodes.ProviderConfigErr, "Client ID metadata documents (client_registration: cimd) are not supported yet; set the integration's client id.");
        }

        McpClientInput Input(string? clientId, string? secret, string authMethod, DateTimeOffset? secretExpiresAt) => new(
            integration.EnvironmentId, integration.Id, serverUrl.ToString(), server.Issuer,
            new McpEndpoints(server.AuthorizationEndpoint, server.TokenEndpoint, server.Resource, authMethod), prepared.CallbackUrl, clientId, secret, secretExpiresAt);

        if (prepared.ClientId.Length > 0 || mode == "static")
        {
            if (prepared.ClientId.Length == 0)
            {
                return ApiError.BadRequest(ErrorCodes.ProviderConfigErr, $"Integration '{integration.UniqueKey}' registers statically at its MCP server and needs a client id.");
            }

            var method = prepared.ClientSecret.Length == 0 ? "none"
                : server.TokenEndpointAuthMethods.Contains("client_secret_post") ? "client_secret_post" : "client_secret_basic";
            var input = Input(null, null, method, null);
            return existing is { IsRegistered: false } && Same(existing, input) ? existing : await clients.SaveAsync(input, existing, cancellationToken);
        }

        if (existing is { IsRegistered: true } && existing.Issuer == server.Issuer && existing.RedirectUri == prepared.CallbackUrl &&
            (existing.ClientSecretExpiresAt is not { } expiry || expiry > clock.GetUtcNow().AddMinutes(5).ToUnixTimeMilliseconds()))
        {
            var reused = Input(existing.ClientId, clients.OpenSecret(existing), existing.TokenEndpointAuthMethod,
                existing.ClientSecretExpiresAt is { } ms ? DateTimeOffset.FromUnixTimeMilliseconds(ms) : null);
            return Same(existing, reused) ? existing : await clients.SaveAsync(reused, existing, cancellationToken);
        }

        var endpoint = provider.GetString("registration_url") is { Length: > 0 } configured
            ? ProviderUrls.Render(configured, TemplateValues.Of(prepared.Entry.ConnectionConfig))
            : server.RegistrationEndpoint;
        if (endpoint is null)
        {
            return ApiError.BadRequest(ErrorCodes.ProviderConfigErr,
                $"The MCP server {serverUrl.GetLeftPart(UriPartial.Path)} offers no client registration; give integration '{integration.UniqueKey}' a client id.");
        }

        var clientName = provider.Definition["registration_params"] is JsonObject parameters && parameters.GetString("client_name") is { } named
            ? named : integration.DisplayName ?? "Latchkey";
        var registered = await registration.RegisterAsync(server, endpoint, prepared.CallbackUrl, clientName,
            provider.Definition["registration_params"] as JsonObject, cancellationToken);
        if (registered.Failed)
        {
            return registered.Error;
        }

        var client = registered.Value;
        return await clients.SaveAsync(Input(client.ClientId, client.ClientSecret, client.TokenEndpointAuthMethod, client.SecretExpiresAt), existing, cancellationToken);
    }

    private static bool Same(McpClient stored, McpClientInput input) =>
        stored.Issuer == input.Issuer && stored.Endpoints == input.Endpoints && stored.RedirectUri == input.RedirectUri && stored.ClientId == input.ClientId;
}
