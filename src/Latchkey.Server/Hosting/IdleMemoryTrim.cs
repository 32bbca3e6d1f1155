namespace Latchkey.Server.Hosting;

/// <summary>
/// Gives memory back to the machine once a burst is over. The garbage collector keeps the space a burst of requests
/// made it commit (hundreds of MiB after 100,000 connection writes, with tens of MiB still live) and, with nothing left
/// to allocate, has no reason to collect again; an idle server would hold its peak for hours. Every
/// <see cref="Window"/> this looks at how much was allocated: after a burst (<see cref="TrimDecision.BurstBytes"/> or more since the
/// last trim) followed by a quiet window, one aggressive, compacting collection returns the free space to the
/// operating system. Under steady load nothing happens, so request latency never pays for it.
/// </summary>
internal sealed class IdleMemoryTrim(ILogger<IdleMemoryTrim> logger) : BackgroundService
{
    public static readonly TimeSpan Window = TimeSpan.FromSeconds(5);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var decision = new TrimDecision();
        using var timer = new PeriodicTimer(Window);
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken))
            {
                if (decision.ShouldTrim(GC.GetTotalAllocatedBytes()))
                {
                    Trim();
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Shutting down.
        }
    }

    private void Trim()
    {
        var before = Environment.WorkingSet;
        GC.Collect(GC.MaxGeneration, GCCollectionMode.Aggressive, blocking: true, compacting: true);
        logger.LogDebug("Idle after a burst: memory trimmed from {Before} to {After} bytes.", before, Environment.WorkingSet);
    }
}

/// <summary>When to trim, from the process's allocation counter read once per window.</summary>
internal sealed class TrimDecision
{
    /// <summary>Allocated since the last trim for the time since to count as a burst.</summary>
    public const long BurstBytes = 64L * 1024 * 1024;

    /// <summary>Allocated within one window for it to count as quiet (a few health probes and dashboard pages).</summary>
    public const long QuietBytes = 4L * 1024 * 1024;

    private long? _previous;
    private long _sinceTrim;

    /// <param name="allocatedBytes">The process's total allocated bytes now.</param>
    public bool ShouldTrim(long allocatedBytes)
    {
        var window = _previous is { } previous ? allocatedBytes - previous : 0;
        _previous = allocatedBytes;
        _sinceTrim += window;
        if (window >= QuietBytes || _sinceTrim < BurstBytes)
        {
            return false;
        }

        _sinceTrim = 0;
        return true;
    }
}
