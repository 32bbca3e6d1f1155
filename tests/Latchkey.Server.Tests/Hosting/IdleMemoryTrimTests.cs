using Latchkey.Server.Hosting;

namespace Latchkey.Server.Tests.Hosting;

/// <summary>The trim runs once after a burst has gone quiet, never under steady load or on a server that stayed idle.</summary>
public sealed class IdleMemoryTrimTests
{
    private const long MiB = 1024 * 1024;

    [Fact]
    public void BurstThenQuietWindow_TrimsOnce()
    {
        var decision = new TrimDecision();
        var allocated = 10 * MiB;

        Assert.False(decision.ShouldTrim(allocated));
        Assert.False(decision.ShouldTrim(allocated += 200 * MiB)); // the burst
        Assert.True(decision.ShouldTrim(allocated += 1 * MiB)); // quiet: trim
        Assert.False(decision.ShouldTrim(allocated += 1 * MiB)); // still quiet: nothing new to give back
        Assert.False(decision.ShouldTrim(allocated));
    }

    [Fact]
    public void SteadyLoad_NeverTrims()
    {
        var decision = new TrimDecision();
        var allocated = 0L;

        for (var window = 0; window < 100; window++)
        {
            Assert.False(decision.ShouldTrim(allocated += 50 * MiB));
        }
    }

    [Fact]
    public void IdleServer_TrimsRarely()
    {
        var decision = new TrimDecision();
        var allocated = 0L;

        // A few health probes per window add up over time, yet never make a burst worth a full collection each time.
        var trims = 0;
        for (var window = 0; window < 1000; window++)
        {
            trims += decision.ShouldTrim(allocated += MiB / 2) ? 1 : 0;
        }

        Assert.True(trims <= 1000 * (MiB / 2) / TrimDecision.BurstBytes, $"{trims} trims in 1,000 quiet windows");
    }

    [Fact]
    public void SecondBurst_TrimsAgain()
    {
        var decision = new TrimDecision();
        var allocated = 0L;

        decision.ShouldTrim(allocated);
        decision.ShouldTrim(allocated += 100 * MiB);
        Assert.True(decision.ShouldTrim(allocated += MiB));
        decision.ShouldTrim(allocated += 100 * MiB);
        Assert.True(decision.ShouldTrim(allocated += MiB));
    }
}
