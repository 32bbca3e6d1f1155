namespace Latchkey.Server.Storage;

/// <summary>
/// Runs a piece of housekeeping every <see cref="Interval"/> (on the injected clock). A failed run is logged and
/// retried at the next tick; it never stops the server.
/// </summary>
public abstract class PeriodicJob(TimeProvider clock, ILogger logger) : BackgroundService
{
    protected abstract TimeSpan Interval { get; }

    public abstract Task RunOnceAsync(CancellationToken cancellationToken);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(Interval, clock);
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken))
            {
                try
                {
                    await RunOnceAsync(stoppingToken);
                }
                catch (Exception exception) when (exception is not OperationCanceledException)
                {
                    logger.LogWarning(exception, "{Job} failed; it will run again in {Interval}", GetType().Name, Interval);
                }
            }
        }
        catch (OperationCanceledException)
        {
        }
    }
}
