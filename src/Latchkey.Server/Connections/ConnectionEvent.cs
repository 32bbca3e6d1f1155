namespace Latchkey.Server.Connections;

/// <summary>The end user shown with a connection event (spec §7.2 <c>endUser</c>).</summary>
public sealed record ConnectionEventEndUser(string Id, string? Email, string? OrganizationId, IReadOnlyDictionary<string, string>? Tags);

/// <summary>
/// A change of a connection that features above react to (auth webhooks, spec §7.1), raised inside the change's
/// transaction. <see cref="Operation"/> is <c>creation</c>, <c>override</c> or <c>refresh</c> (a failed refresh);
/// <see cref="ConnectionRowId"/> is the connections row and <see cref="WebhookUrlOverride"/> its override as saved.
/// </summary>
public sealed record ConnectionEvent(
    long EnvironmentId,
    long ConnectionRowId,
    string ConnectionId,
    string IntegrationKey,
    string Provider,
    string AuthMode,
    string Operation,
    bool Success,
    string? ErrorType,
    string? ErrorDescription,
    ConnectionEventEndUser? EndUser,
    IReadOnlyDictionary<string, string>? Tags,
    string? WebhookUrlOverride)
{
    public const string Creation = "creation";
    public const string Override = "override";
    public const string Refresh = "refresh";
}
