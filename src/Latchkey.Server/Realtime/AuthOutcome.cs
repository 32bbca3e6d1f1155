namespace Latchkey.Server.Realtime;

/// <summary>The end of one OAuth flow, for the SDK waiting on its WebSocket (spec §2.6 step 7).</summary>
public sealed record AuthOutcome(
    string WebSocketClientId,
    string ProviderConfigKey,
    string ConnectionId,
    bool Success,
    bool IsPending = false,
    string? ErrorType = null,
    string? ErrorDescription = null);

/// <summary>
/// Delivers outcomes to the socket that waits for them, wherever it is. In-process on a single instance; a
/// PostgreSQL LISTEN/NOTIFY implementation relays between instances (DESIGN "Scale-out").
/// </summary>
public interface IAuthResultBus
{
    Task PublishAsync(AuthOutcome outcome, CancellationToken cancellationToken);
}

/// <summary>The single-instance bus: hands the outcome straight to this process's hub.</summary>
public sealed class InProcessAuthResultBus(RealtimeHub hub) : IAuthResultBus
{
    public Task PublishAsync(AuthOutcome outcome, CancellationToken cancellationToken) => hub.DeliverAsync(outcome, cancellationToken);
}
