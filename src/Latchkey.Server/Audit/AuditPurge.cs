using Latchkey.Server.Storage;
using Microsoft.Extensions.Options;

namespace Latchkey.Server.Audit;

/// <summary>Deletes audit entries older than <c>LATCHKEY_AUDIT_RETENTION_DAYS</c>, once an hour.</summary>
public sealed partial class AuditPurge(AuditStore store, TimeProvider clock, IOptions<AuditOptions> options, ILogger<AuditPurge> logger)
    : PeriodicJob(clock, logger)
{
    private readonly TimeProvider _clock = clock;

    protected override TimeSpan Interval => TimeSpan.FromHours(1);

    public override async Task RunOnceAsync(CancellationToken cancellationToken)
    {
        var days = options.Value.RetentionDays;
        var deleted = await store.PurgeAsync(_clock.GetUtcNow() - TimeSpan.FromDays(days), cancellationToken);
        if (deleted > 0)
        {
            LogPurged(logger, deleted, days);
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Deleted {Count} audit entries older than {Days} days")]
    private static partial void LogPurged(ILogger logger, int count, int days);
}
