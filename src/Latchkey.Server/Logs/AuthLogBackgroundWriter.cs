namespace Latchkey.Server.Logs;

/// <summary>
/// Writes queued auth log entries in batches; on shutdown it drains what is already queued.
/// </summary>
public sealed partial class AuthLogBackgroundWriter(
    AuthLogWriter writer,
    AuthLogStore store,
    ILogger<AuthLogBackgroundWriter> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var batch = new List<AuthLogEntry>();
        while (true)
        {
            try
            {
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

    [LoggerMessage(Level = LogLevel.Error, Message = "Could not write {Count} auth log entries")]
    private static partial void LogWriteFailed(ILogger logger, int count, Exception exception);
}
