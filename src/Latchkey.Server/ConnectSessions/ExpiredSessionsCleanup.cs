using Latchkey.Server.Storage;

namespace Latchkey.Server.ConnectSessions;

/// <summary>Deletes connect sessions a day after they expired.</summary>
public sealed class ExpiredSessionsCleanup(ConnectSessionStore sessions, TimeProvider clock, ILogger<ExpiredSessionsCleanup> logger) : PeriodicJob(clock, logger)
{
    protected override TimeSpan Interval => TimeSpan.FromHours(1);

    public override Task RunOnceAsync(CancellationToken cancellationToken) => sessions.PurgeExpiredAsync(cancellationToken);
}
