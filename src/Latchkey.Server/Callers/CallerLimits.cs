using System.Threading.RateLimiting;
using Latchkey.Server.Hosting;
using Microsoft.Extensions.Options;

namespace Latchkey.Server.Callers;

/// <summary>
/// The limits that depend on who is calling, run by the rate limiting middleware after <see cref="CallerAuthentication"/>:
/// every authenticated request counts against its environment (spec §10.5: <c>X-RateLimit-*</c> headers, 429), and the
/// browser entry points that verify credentials at a provider also count against their connect session (or public key).
/// </summary>
public sealed class CallerLimits : IGlobalRequestLimit, IDisposable
{
    private readonly PartitionedRateLimiter<HttpContext> _environments;
    private readonly PartitionedRateLimiter<HttpContext> _entries;

    public CallerLimits(IOptions<RateLimitOptions> options, TimeProvider clock)
    {
        var limits = options.Value;
        _environments = PartitionedRateLimiter.Create<HttpContext, (string, long)>(context =>
            Partition(context, clock, limits.ApiPerMinute, advertised: true, _environments!, caller => $"env:{caller.EnvironmentId}"));
        _entries = PartitionedRateLimiter.Create<HttpContext, (string, long)>(context =>
            Partition(context, clock, limits.EntryPerMinute, advertised: false, _entries!, caller => IsEntryPoint(context) ? EntryKey(caller) : null));
        Limiter = PartitionedRateLimiter.CreateChained(_environments, _entries);
    }

    public PartitionedRateLimiter<HttpContext> Limiter { get; }

    public void Dispose()
    {
        Limiter.Dispose();
        _environments.Dispose();
        _entries.Dispose();
    }

    private static RateLimitPartition<(string, long)> Partition(
        HttpContext context, TimeProvider clock, int limit, bool advertised, PartitionedRateLimiter<HttpContext> owner, Func<Caller, string?> keyOf)
    {
        if (limit == 0 || Caller.Get(context) is not { } caller || keyOf(caller) is not { } key)
        {
            return RateLimitPartition.GetNoLimiter((string.Empty, 0L));
        }

        var now = clock.GetUtcNow();
        var minute = RateLimitWindow.MinuteOf(now);
        RateLimitWindow.Attach(context, new RateLimitWindow(limit, DateTimeOffset.FromUnixTimeSeconds((minute + 1) * 60), () => owner.GetStatistics(context)?.CurrentAvailablePermits ?? 0, advertised));
        return RateLimitWindow.Partition(key, minute, limit);
    }

    // The browser entry points (spec §2.4) are the ones that take a session token or public key from the query.
    private static bool IsEntryPoint(HttpContext context) =>
        context.GetEndpoint()?.Metadata.GetMetadata<RequireCallerMetadata>()?.Scheme == AuthScheme.SessionTokenOrPublicKey;

    private static string EntryKey(Caller caller) => caller.Session is { } session ? $"session:{session.Id}" : $"public:{caller.EnvironmentId}";
}
