using System.Globalization;
using System.Threading.RateLimiting;
using Microsoft.AspNetCore.RateLimiting;

namespace Latchkey.Server.Hosting;

/// <summary>
/// A limit applied to every request by ASP.NET Core's rate limiting middleware (features register one each; they are
/// chained). Endpoint-specific limits are named policies instead (the dashboard login).
/// </summary>
public interface IGlobalRequestLimit
{
    PartitionedRateLimiter<HttpContext> Limiter { get; }
}

/// <summary>One fixed one-minute window a request was counted in, aligned on wall-clock minutes as Nango's are.</summary>
public sealed class RateLimitWindow(long limit, DateTimeOffset reset, Func<long> remaining, bool advertised)
{
    private const string ItemKey = "latchkey.rate-limit-windows";

    public long Limit { get; } = limit;

    /// <summary>When the window ends and the permits come back.</summary>
    public DateTimeOffset Reset { get; } = reset;

    /// <summary>Whether the <c>X-RateLimit-*</c> headers describe this window (the API's per-environment limit, spec §10.5).</summary>
    public bool Advertised { get; } = advertised;

    public long Remaining => remaining();

    /// <summary>The minute a request falls in: the partition key part that starts a fresh window every minute.</summary>
    public static long MinuteOf(DateTimeOffset now) => now.ToUnixTimeSeconds() / 60;

    /// <summary>A fixed window of <paramref name="limit"/> permits for <paramref name="key"/> during <paramref name="minute"/>; no queue.</summary>
    public static RateLimitPartition<(string Key, long Minute)> Partition(string key, long minute, int limit) =>
        RateLimitPartition.GetFixedWindowLimiter((key, minute), _ => new FixedWindowRateLimiterOptions
        {
            PermitLimit = limit,
            Window = TimeSpan.FromMinutes(1),
            QueueLimit = 0,
            AutoReplenishment = true,
        });

    /// <summary>Records the window so the headers and the 429 answer can describe it.</summary>
    public static void Attach(HttpContext context, RateLimitWindow window)
    {
        if (context.Items[ItemKey] is not List<RateLimitWindow> windows)
        {
            context.Items[ItemKey] = windows = [];
        }

        // The partitioner may run more than once per request (statistics); one entry per limit is enough.
        windows.RemoveAll(existing => existing.Advertised == window.Advertised && existing.Limit == window.Limit);
        windows.Add(window);
    }

    // A copy: reading Remaining runs the partitioner again, which records the window again.
    internal static IReadOnlyList<RateLimitWindow> Of(HttpContext context) =>
        context.Items[ItemKey] is List<RateLimitWindow> windows ? [.. windows] : [];
}

public static class RateLimits
{
    public static WebApplicationBuilder AddRateLimits(this WebApplicationBuilder builder)
    {
        builder.Services.AddOptions<RateLimitOptions>()
            .Configure<IConfiguration>((options, configuration) => RateLimitOptions.Bind(options, configuration))
            .Validate(options => options.IsValid(),
                "LATCHKEY_RATE_LIMIT_* must be whole numbers ≥ 0 (0 turns a limit off); LOGIN_LOCKOUT_MINUTES 1-1440; WEBSOCKET_IDLE_SECONDS 10-600.")
            .ValidateOnStart();
        builder.Services.AddRateLimiter(options =>
        {
            options.RejectionStatusCode = StatusCodes.Status429TooManyRequests;
            options.OnRejected = (rejected, _) => new ValueTask(WriteTooManyRequests(rejected.HttpContext));
        });
        builder.Services.AddOptions<RateLimiterOptions>().Configure<IEnumerable<IGlobalRequestLimit>>((options, limits) =>
        {
            var limiters = limits.Select(limit => limit.Limiter).ToArray();
            if (limiters.Length > 0)
            {
                options.GlobalLimiter = limiters.Length == 1 ? limiters[0] : PartitionedRateLimiter.CreateChained(limiters);
            }
        });
        return builder;
    }

    /// <summary>After authentication (limits are per caller) and before the endpoints.</summary>
    public static WebApplication UseRateLimits(this WebApplication app)
    {
        app.UseRateLimiter();
        app.Use(AddHeaders);
        return app;
    }

    /// <summary>429 <c>too_many_request</c> with <c>method</c> and <c>path</c> (spec §10.5), and when to come back.</summary>
    public static Task WriteTooManyRequests(HttpContext context)
    {
        var now = context.RequestServices.GetRequiredService<TimeProvider>().GetUtcNow();
        var windows = RateLimitWindow.Of(context);
        var reset = windows.Where(window => window.Remaining <= 0).Select(window => window.Reset).DefaultIfEmpty(now.AddMinutes(1)).Max();
        context.Response.StatusCode = StatusCodes.Status429TooManyRequests;
        context.Response.Headers.RetryAfter = Math.Max(1, (long)Math.Ceiling((reset - now).TotalSeconds)).ToString(CultureInfo.InvariantCulture);
        WriteWindowHeaders(context);
        if (FailurePage.For(context) is { } page)
        {
            return page.WriteAsync(context, new ApiError(StatusCodes.Status429TooManyRequests, ErrorCodes.TooManyRequest,
                "Too many requests: wait a minute, then try again."));
        }

        return context.Response.WriteAsJsonAsync(
            new TooManyEnvelope(new TooManyBody(ErrorCodes.TooManyRequest, "Too many requests: wait for the time in Retry-After, then try again.",
                context.Request.Method, context.Request.Path.Value ?? "/")),
            LatchkeyJson.Options, context.RequestAborted);
    }

    private static Task AddHeaders(HttpContext context, RequestDelegate next)
    {
        if (RateLimitWindow.Of(context).Count > 0)
        {
            context.Response.OnStarting(() =>
            {
                WriteWindowHeaders(context);
                return Task.CompletedTask;
            });
        }

        return next(context);
    }

    private static void WriteWindowHeaders(HttpContext context)
    {
        if (RateLimitWindow.Of(context).FirstOrDefault(window => window.Advertised) is not { } window)
        {
            return;
        }

        var headers = context.Response.Headers;
        headers["X-RateLimit-Limit"] = window.Limit.ToString(CultureInfo.InvariantCulture);
        headers["X-RateLimit-Remaining"] = Math.Max(0, window.Remaining).ToString(CultureInfo.InvariantCulture);
        headers["X-RateLimit-Reset"] = window.Reset.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture);
    }

    private sealed record TooManyEnvelope(TooManyBody Error);

    private sealed record TooManyBody(string Code, string Message, string Method, string Path);
}
