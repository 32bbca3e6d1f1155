using System.Diagnostics;

/// <summary>
/// Reads a process's resident memory (VmRSS) and its private part (<see cref="Memory.Private"/>) once a second in the
/// background, so a test can report the figures at its start, their peak while it ran and some time after it ended.
/// </summary>
internal sealed class MemorySampler : IAsyncDisposable
{
    private readonly int _pid;
    private readonly Stopwatch _clock = Stopwatch.StartNew();
    private readonly List<(TimeSpan At, long Kilobytes, long Private)> _samples = [];
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _loop;

    public MemorySampler(int pid)
    {
        _pid = pid;
        _loop = SampleAsync(_stop.Token);
    }

    /// <summary>Time since sampling began: marks a test's start and end.</summary>
    public TimeSpan Now => _clock.Elapsed;

    /// <summary>The highest VmRSS sampled from <paramref name="from"/> to <paramref name="to"/> (default: now), in kB.</summary>
    public long Peak(TimeSpan from, TimeSpan? to = null)
    {
        lock (_samples)
        {
            return _samples.Where(sample => sample.At >= from && sample.At <= (to ?? TimeSpan.MaxValue)).Select(sample => sample.Kilobytes).DefaultIfEmpty(-1).Max();
        }
    }

    /// <summary>The highest private memory sampled from <paramref name="from"/> to <paramref name="to"/> (default: now), in kB.</summary>
    public long PeakPrivate(TimeSpan from, TimeSpan? to = null)
    {
        lock (_samples)
        {
            return _samples.Where(sample => sample.At >= from && sample.At <= (to ?? TimeSpan.MaxValue)).Select(sample => sample.Private).DefaultIfEmpty(-1).Max();
        }
    }

    /// <summary>Memory over time since <paramref name="from"/>, one sample per <paramref name="step"/> seconds: "+0 s 120 MiB, +5 s 118 MiB, …".</summary>
    public string Trail(TimeSpan from, int step = 5)
    {
        lock (_samples)
        {
            var shown = new List<string>();
            var next = 0.0;
            foreach (var (at, kilobytes, _) in _samples.Where(sample => sample.At >= from))
            {
                var seconds = (at - from).TotalSeconds;
                if (seconds + 0.5 >= next)
                {
                    shown.Add($"+{seconds:0} s {Memory.MiB(kilobytes)}");
                    next = (Math.Floor((seconds + 0.5) / step) + 1) * step;
                }
            }

            return string.Join(", ", shown);
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        await _loop;
        _stop.Dispose();
    }

    private async Task SampleAsync(CancellationToken cancellationToken)
    {
        using var timer = new PeriodicTimer(TimeSpan.FromSeconds(1));
        do
        {
            var kilobytes = Memory.Kilobytes(_pid, "VmRSS");
            if (kilobytes < 0)
            {
                return;
            }

            lock (_samples)
            {
                _samples.Add((_clock.Elapsed, kilobytes, Memory.Private(_pid)));
            }
        }
        while (await NextTickAsync(timer, cancellationToken));
    }

    private static async Task<bool> NextTickAsync(PeriodicTimer timer, CancellationToken cancellationToken)
    {
        try
        {
            return await timer.WaitForNextTickAsync(cancellationToken);
        }
        catch (OperationCanceledException)
        {
            return false;
        }
    }
}
