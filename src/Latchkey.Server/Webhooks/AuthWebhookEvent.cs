namespace Latchkey.Server.Webhooks;

/// <summary>The end user shown in an auth webhook (spec §7.2 <c>endUser</c>).</summary>
public sealed record AuthWebhookEndUser(string Id, string? Email, string? OrganizationId, IReadOnlyDictionary<string, string>? Tags);

/// <summary>
/// One auth event (spec §7.1): <see cref="Operation"/> is <c>creation</c>, <c>override</c> or <c>refresh</c>.
/// <see cref="ConnectionRowId"/> is the connections row (its <c>webhook_url_override</c> picks the target).
/// </summary>
public sealed record AuthWebhookEvent(
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
    AuthWebhookEndUser? EndUser,
    IReadOnlyDictionary<string, string>? Tags)
{
    public const string Creation = "creation";
    public const string Override = "override";
    public const string Refresh = "refresh";
}
