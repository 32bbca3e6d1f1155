namespace Latchkey.Server.Storage;

/// <summary>
/// Deletes a record's rows older than its retention setting, once an hour: the auth log (<c>LATCHKEY_LOG_RETENTION_DAYS</c>)
/// and the audit trail (<c>LATCHKEY_AUDIT_RETENTION_DAYS</c>) each say which rows and how long.
/// </summary>
public abstract partial class RetentionPurge(TimeProvider clock, ILogger logger) : PeriodicJob(clock, logger)
{
    private readonly TimeProvider _clock = clock;
    private readonly ILogger _logger = logger;

    protected override TimeSpan Interval => TimeSpan.FromHours(1);

    /// <summary>How many days rows are kept.</summary>
    protected abstract int RetentionDays { get; }

    /// <summary>What the rows are, for the log line ("audit entries").</summary>
    protected abstract string Rows { get; }

    /// <summary>Deletes the rows made before <paramref name="cutoff"/>; returns how many.</summary>
    protected abstract Task<int> PurgeAsync(DateTimeOffset cutoff, CancellationToken cancellationToken);

    public override async Task RunOnceAsync(CancellationToken cancellationToken)
    {
        var days = RetentionDays;
        var deleted = await PurgeAsync(_clock.GetUtcNow() - TimeSpan.FromDays(days), cancellationToken);
        if (deleted > 0)
        {
            LogPurged(_logger, deleted, Rows, days);
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Deleted {Count} {Rows} older than {Days} days")]
    private static partial void LogPurged(ILogger logger, int count, string rows, int days);
}
