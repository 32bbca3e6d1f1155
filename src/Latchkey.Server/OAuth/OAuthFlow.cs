using System.Text.Json.Nodes;
using Latchkey.Server.ConnectSessions;

namespace Latchkey.Server.OAuth;

/// <summary>Who a flow's connection will belong to, copied from the connect session when the flow starts.</summary>
public sealed record FlowOwnership(
    IReadOnlyDictionary<string, string>? Tags,
    EndUserProfile? EndUser,
    OrganizationProfile? Organization,
    string? WebhookUrlOverride);

/// <summary>The secrets of a flow, sealed together: PKCE verifier, OAuth 1 request token secret, client overrides.</summary>
public sealed record FlowSecrets(
    string? CodeVerifier = null,
    string? RequestTokenSecret = null,
    string? ClientIdOverride = null,
    string? ClientSecretOverride = null,
    string? RefreshTokenOverride = null)
{
    public override string ToString() => "FlowSecrets [redacted]";
}

/// <summary>
/// One OAuth flow between its start (<c>/oauth/connect</c>) and its callback. <paramref name="ReturnTo"/> is set in redirect
/// mode: the checked page the callback sends the browser back to, instead of the popup's result page.
/// </summary>
public sealed record OAuthFlow(
    long EnvironmentId,
    long IntegrationId,
    string ConnectionId,
    long? ConnectSessionId,
    string CallbackUrl,
    JsonObject ConnectionConfig,
    FlowOwnership Ownership,
    string? WebSocketClientId,
    FlowSecrets Secrets,
    DateTimeOffset ExpiresAt,
    string? ReturnTo = null)
{
    public override string ToString() => $"OAuthFlow {{ {ConnectionId} [secrets redacted] }}";
}
