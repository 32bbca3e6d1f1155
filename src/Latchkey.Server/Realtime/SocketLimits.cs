using System.Threading.RateLimiting;
using Latchkey.Server.Hosting;
using Microsoft.Extensions.Options;

namespace Latchkey.Server.Realtime;

/// <summary>
/// Caps on open SDK WebSockets, in total and per client IP: concurrency limiters whose lease is held for the life of
/// a socket. The SDK opens its socket before any credential exists (spec §2.6), so a cap, not a login, bounds them.
/// </summary>
public sealed class SocketLimits : IDisposable
{
    private readonly PartitionedRateLimiter<HttpContext> _total;
    private readonly PartitionedRateLimiter<HttpContext> _perIp;
    private readonly PartitionedRateLimiter<HttpContext> _both;

    public SocketLimits(IOptions<RateLimitOptions> options)
    {
        var limits = options.Value;
        _total = PartitionedRateLimiter.Create<HttpContext, string>(_ => Concurrency("all", limits.WebSockets));
        _perIp = PartitionedRateLimiter.Create<HttpContext, string>(context =>
            Concurrency(context.Connection.RemoteIpAddress?.ToString() ?? "unknown", limits.WebSocketsPerIp));
        _both = PartitionedRateLimiter.CreateChained(_perIp, _total);
        IdleLifetime = TimeSpan.FromSeconds(limits.WebSocketIdleSeconds);
    }

    /// <summary>How long a socket waits for its outcome before it is closed (an OAuth popup rarely takes minutes).</summary>
    public TimeSpan IdleLifetime { get; }

    /// <summary>A lease to hold while the socket is open; not acquired when a cap is reached.</summary>
    public RateLimitLease TryOpen(HttpContext context) => _both.AttemptAcquire(context);

    public void Dispose()
    {
        _both.Dispose();
        _perIp.Dispose();
        _total.Dispose();
    }

    private static RateLimitPartition<string> Concurrency(string key, int limit) => limit == 0
        ? RateLimitPartition.GetNoLimiter(key)
        : RateLimitPartition.GetConcurrencyLimiter(key, _ => new ConcurrencyLimiterOptions { PermitLimit = limit, QueueLimit = 0 });
}
