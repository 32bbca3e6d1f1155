using Latchkey.Server.CredentialEntry;

namespace Latchkey.Server.OAuth;

/// <summary>A validated request to start an OAuth flow: everything the provider-specific start needs.</summary>
public sealed record PreparedFlow(
    EntryContext Entry,
    string ClientId,
    string ClientSecret,
    IReadOnlyList<string> Scopes,
    IReadOnlyDictionary<string, string> AuthorizationParams,
    string? UserScope,
    string? WebSocketClientId,
    string CallbackUrl,
    FlowSecrets Secrets,
    FlowOwnership Ownership,
    string? ReturnTo = null)
{
    public override string ToString() => $"PreparedFlow {{ {Entry.Integration.UniqueKey} [secrets redacted] }}";
}
