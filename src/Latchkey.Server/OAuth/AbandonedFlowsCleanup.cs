using Latchkey.Server.Storage;

namespace Latchkey.Server.OAuth;

/// <summary>Deletes OAuth flows whose callback never came, a day after they expired.</summary>
public sealed class AbandonedFlowsCleanup(OAuthSessionStore sessions, TimeProvider clock, ILogger<AbandonedFlowsCleanup> logger) : PeriodicJob(clock, logger)
{
    protected override TimeSpan Interval => TimeSpan.FromHours(1);

    public override Task RunOnceAsync(CancellationToken cancellationToken) => sessions.PurgeExpiredAsync(cancellationToken);
}
