using System.Globalization;
using System.Threading.RateLimiting;
using Latchkey.Server.Dashboard.Pages;
using Latchkey.Server.Hosting;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.RateLimiting;
using Microsoft.Extensions.Options;

namespace Latchkey.Server.Dashboard;

/// <summary>
/// What stands between a password guesser and the admin password, all of it System.Threading.RateLimiting limiters:
/// login attempts per client IP per minute (a rate limiting policy on the login endpoint), failed attempts per
/// account (a fixed window: reaching the limit locks the account until the window ends, whichever IP tries), and a
/// cap on password hashes computed at once, so a flood of logins cannot starve the rest of the server of CPU.
/// </summary>
public sealed class LoginThrottle : IDisposable
{
    public const string PerIpPolicy = "dashboard-login";

    private readonly PartitionedRateLimiter<string> _failures;
    private readonly ConcurrencyLimiter _hashing;
    private readonly RateLimitOptions _limits;

    public LoginThrottle(IOptions<RateLimitOptions> options)
    {
        _limits = options.Value;
        var window = TimeSpan.FromMinutes(_limits.LoginLockoutMinutes);
        _failures = PartitionedRateLimiter.Create<string, string>(account => _limits.LoginFailuresPerAccount == 0
            ? RateLimitPartition.GetNoLimiter(account)
            : RateLimitPartition.GetFixedWindowLimiter(account, _ => new FixedWindowRateLimiterOptions
            {
                PermitLimit = _limits.LoginFailuresPerAccount,
                Window = window,
                QueueLimit = 0,
                AutoReplenishment = true,
            }));
        _hashing = new ConcurrencyLimiter(new ConcurrencyLimiterOptions
        {
            PermitLimit = Math.Max(1, Environment.ProcessorCount / 2),
            QueueLimit = 64,
            QueueProcessingOrder = QueueProcessingOrder.OldestFirst,
        });
    }

    /// <summary>Whether the account has used up its failures for the current window.</summary>
    public bool IsLocked(string account) =>
        _limits.LoginFailuresPerAccount > 0 && _failures.GetStatistics(Normalise(account))?.CurrentAvailablePermits == 0;

    public void RecordFailure(string account)
    {
        using var _ = _failures.AttemptAcquire(Normalise(account));
    }

    /// <summary>A turn to compute a password hash; null when too many logins are already waiting.</summary>
    public async Task<RateLimitLease?> HashingTurnAsync(CancellationToken cancellationToken)
    {
        var lease = await _hashing.AcquireAsync(1, cancellationToken);
        if (lease.IsAcquired)
        {
            return lease;
        }

        lease.Dispose();
        return null;
    }

    public int LockoutMinutes => _limits.LoginLockoutMinutes;

    public void Dispose()
    {
        _failures.Dispose();
        _hashing.Dispose();
    }

    private static string Normalise(string account) => account.Trim().ToLowerInvariant();

    /// <summary>Login attempts per client IP per minute; the rejection is the login page with 429 and Retry-After.</summary>
    public sealed class PerIp(IOptions<RateLimitOptions> options, TimeProvider clock) : IRateLimiterPolicy<(string Key, long Minute)>
    {
        public Func<OnRejectedContext, CancellationToken, ValueTask>? OnRejected => async (rejected, _) =>
        {
            var http = rejected.HttpContext;
            var now = clock.GetUtcNow();
            http.Response.Headers.RetryAfter = (60 - (now.ToUnixTimeSeconds() % 60)).ToString(CultureInfo.InvariantCulture);
            await TooManyPage(http, "Too many login attempts from your address. Wait a minute, then try again.").ExecuteAsync(http);
        };

        public RateLimitPartition<(string Key, long Minute)> GetPartition(HttpContext httpContext)
        {
            var limit = options.Value.LoginPerIpPerMinute;
            return limit == 0
                ? RateLimitPartition.GetNoLimiter((string.Empty, 0L))
                : RateLimitWindow.Partition("ip:" + (httpContext.Connection.RemoteIpAddress?.ToString() ?? "unknown"), RateLimitWindow.MinuteOf(clock.GetUtcNow()), limit);
        }
    }

    internal static RazorComponentResult<LoginPage> TooManyPage(HttpContext http, string problem) =>
        new(new Dictionary<string, object?>
        {
            ["Csrf"] = http.RequestServices.GetRequiredService<DashboardContexts>().Csrf(http),
            ["ReturnUrl"] = null,
            ["Problem"] = problem,
        })
        { StatusCode = StatusCodes.Status429TooManyRequests };
}
