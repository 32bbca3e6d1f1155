namespace Latchkey.Server.Logs;

/// <summary>One step of an auth attempt ("verify credentials", "token exchange"…). Details never carry a secret.</summary>
public sealed record AuthLogStep(string Name, DateTimeOffset At, string? Detail);

/// <summary>
/// One auth attempt. <see cref="Kind"/> is <c>api_key</c>, <c>basic</c>, <c>oauth2</c>, <c>oauth1</c>,
/// <c>client_credentials</c>, <c>refresh</c> or <c>unauthenticated</c>. Callers put no credential into any field.
/// <see cref="Uid"/> is chosen when the entry is made, so a connection can point at its failure's entry (the
/// <c>log_id</c> of spec §4.6 <c>errors</c>) before the entry is written.
/// </summary>
public sealed record AuthLogEntry(
    long EnvironmentId,
    string Kind,
    string IntegrationKey,
    string? ConnectionId,
    bool Success,
    string? ErrorType,
    string? Message,
    IReadOnlyList<AuthLogStep> Steps,
    DateTimeOffset StartedAt,
    TimeSpan Duration)
{
    public string Uid { get; init; } = Guid.NewGuid().ToString();
}
