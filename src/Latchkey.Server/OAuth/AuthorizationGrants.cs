using Latchkey.Server.Hosting;
using Latchkey.Server.Integrations;
using Latchkey.Server.Providers;

namespace Latchkey.Server.OAuth;

/// <summary>
/// A grant the user completes in the browser: <see cref="StartAsync"/> sends them to the provider, <see cref="CompleteAsync"/>
/// turns the provider's callback into credentials: OAuth 2 authorization code, OAuth 1.0a, GitHub App installation, and
/// OAuth 2 at an MCP server.
/// </summary>
public interface IAuthorizationGrant
{
    Task<Outcome<(string Url, string State, string Binding)>> StartAsync(PreparedFlow prepared, CancellationToken cancellationToken);

    Task<Outcome<CompletedAuth>> CompleteAsync(OAuthFlow flow, Integration integration, Provider provider, IQueryCollection query, CancellationToken cancellationToken);
}

/// <summary>
/// Picks a provider's grant: the one place that tells the modes apart (OAuth 1, GitHub App installation, an MCP
/// server's OAuth 2 whose endpoints are discovered, plain OAuth 2), for the start and the callback alike.
/// </summary>
public sealed class AuthorizationGrants(OAuth2Flow oauth2, OAuth1Flow oauth1, AppInstallFlow appInstall, McpOAuth2Flow mcp)
{
    public IAuthorizationGrant For(Provider provider) => provider.AuthMode switch
    {
        AuthModes.OAuth1 => oauth1,
        AuthModes.App or AuthModes.Custom => appInstall,
        var mode when McpServers.IsMcp(mode) => mcp,
        _ => oauth2,
    };
}
