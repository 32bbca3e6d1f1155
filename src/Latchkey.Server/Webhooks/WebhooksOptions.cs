namespace Latchkey.Server.Webhooks;

public sealed class WebhooksOptions
{
    /// <summary><c>LATCHKEY_WEBHOOK_POLL_MS</c>: how often the dispatcher looks for due deliveries (default 1000).</summary>
    public int PollMilliseconds { get; set; } = 1000;

    /// <summary><c>LATCHKEY_WEBHOOK_MAX_ATTEMPTS</c>: attempts per delivery before it is marked failed (default 20: about 13 hours).</summary>
    public int MaxAttempts { get; set; } = 20;

    /// <summary>Per-attempt timeout (spec §7.4: 20 s).</summary>
    public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(20);

    /// <summary>
    /// Wait before attempt n+1: 10 s doubled per failure, at most one hour — 10 s, 20 s, 40 s … 42 min, then hourly.
    /// A receiver down for ten minutes gets its events within about ten minutes of coming back.
    /// </summary>
    public static TimeSpan Backoff(int failedAttempts) =>
        TimeSpan.FromSeconds(Math.Min(3600, 10 * Math.Pow(2, Math.Max(0, failedAttempts - 1))));
}
