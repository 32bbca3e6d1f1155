using Microsoft.Extensions.Options;

namespace Latchkey.Server.Logs;

/// <summary>
/// Writes queued auth log entries in batches, and once an hour deletes those older than the retention period.
/// On shutdown it drains what is already queued.
/// </summary>
public sealed partial class AuthLogBackgroundWriter(
    AuthLogWriter writer,
    AuthLogStore store,
    TimeProvider clock,
    IOptions<LogsOptions> options,
    ILogger<AuthLogBackgroundWriter> logger) : BackgroundService
{
    private static readonly TimeSpan PurgeEvery = TimeSpan.FromHours(1);
    private DateTimeOffset _nextPurge = DateTimeOffset.MinValue;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var batch = new List<AuthLogEntry>();
        while (true)
        {
            try
            {
                await PurgeIfDueAsync(stoppingToken);
                if (!await writer.Reader.WaitToReadAsync(stoppingToken))
                {
                    return;
                }

                while (batch.Count < 200 && writer.Reader.TryRead(out var entry))
                {
                    batch.Add(entry);
                }

                await store.InsertAsync(batch, CancellationToken.None);
                batch.Clear();
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                await DrainAsync();
                return;
            }
#pragma warning disable CA1031 // A failing write must not stop logging for good; the batch is dropped and counted.
            catch (Exception exception)
#pragma warning restore CA1031
            {
                LogWriteFailed(logger, batch.Count, exception);
                batch.Clear();
                await Task.Delay(TimeSpan.FromSeconds(1), stoppingToken).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
            }
        }
    }

    private async Task DrainAsync()
    {
        var rest = new List<AuthLogEntry>();
        while (writer.Reader.TryRead(out var entry))
        {
            rest.Add(entry);
        }

        if (rest.Count > 0)
        {
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(5));
            await store.InsertAsync(rest, timeout.Token);
        }
    }

    private async Task PurgeIfDueAsync(CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow();
        if (now < _nextPurge)
        {
            return;
        }

        _nextPurge = now + PurgeEvery;
        var deleted = await store.PurgeAsync(now - TimeSpan.FromDays(options.Value.RetentionDays), cancellationToken);
        if (deleted > 0)
        {
            LogPurged(logger, deleted, options.Value.RetentionDays);
        }
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "Could not write {Count} auth log entries")]
    private static partial void LogWriteFailed(ILogger logger, int count, Exception exception);

    [LoggerMessage(Level = LogLevel.Information, Message = "Deleted {Count} auth log entries older than {Days} days")]
    private static partial void LogPurged(ILogger logger, int count, int days);
}
