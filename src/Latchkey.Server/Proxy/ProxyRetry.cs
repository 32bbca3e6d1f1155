using System.Globalization;
using Latchkey.Server.Providers;

namespace Latchkey.Server.Proxy;

/// <summary>
/// When a proxied call is sent again (spec §4.9): on 429, 5xx and the caller's <c>Retry-On</c> codes, up to its
/// <c>Retries</c>. Only idempotent methods are retried unless the caller named the status in <c>Retry-On</c>,
/// since a POST the provider partly processed must not be repeated behind the caller's back.
/// </summary>
public static class ProxyRetry
{
    private static readonly TimeSpan BaseDelay = TimeSpan.FromMilliseconds(200);
    private static readonly TimeSpan MaxBackoff = TimeSpan.FromSeconds(10);

    public static bool IsIdempotent(HttpMethod method) =>
        method == HttpMethod.Get || method == HttpMethod.Head || method == HttpMethod.Options || method == HttpMethod.Put
        || method == HttpMethod.Delete || method == HttpMethod.Trace;

    public static bool ShouldRetry(int status, HttpMethod method, IReadOnlySet<int> retryOn)
    {
        if (retryOn.Contains(status))
        {
            return true;
        }

        return IsIdempotent(method) && (status == 429 || status >= 500);
    }

    /// <summary>
    /// How long to wait before the next attempt: the provider's own word first (<c>Retry-After</c> in seconds or as a
    /// date, or the catalog's <c>proxy.retry.after</c> / <c>proxy.retry.at</c> headers), else exponential backoff from
    /// 200 ms with full jitter, capped at 10 s. Null when the provider asks for longer than <see cref="ProxyOptions.MaxRetryWait"/>.
    /// </summary>
    public static TimeSpan? Delay(HttpResponseMessage? response, Provider provider, int attempt, DateTimeOffset now)
    {
        var asked = response is null ? null : Asked(response, provider, now);
        if (asked is { } wait)
        {
            return wait > ProxyOptions.MaxRetryWait ? null : wait;
        }

        var ceiling = Math.Min(MaxBackoff.TotalMilliseconds, BaseDelay.TotalMilliseconds * Math.Pow(2, attempt));
        return TimeSpan.FromMilliseconds(ceiling / 2 + Random.Shared.NextDouble() * ceiling / 2);
    }

    private static TimeSpan? Asked(HttpResponseMessage response, Provider provider, DateTimeOffset now)
    {
        if (response.Headers.RetryAfter is { } retryAfter)
        {
            if (retryAfter.Delta is { } delta)
            {
                return delta < TimeSpan.Zero ? TimeSpan.Zero : delta;
            }

            if (retryAfter.Date is { } date)
            {
                return date > now ? date - now : TimeSpan.Zero;
            }
        }

        var hints = provider.Proxy?["retry"] as System.Text.Json.Nodes.JsonObject;
        if (hints?.GetString("after") is { } afterHeader && Header(response, afterHeader) is { } afterText &&
            double.TryParse(afterText, NumberStyles.Float, CultureInfo.InvariantCulture, out var seconds) && seconds >= 0)
        {
            // Some providers send milliseconds in their "after" header; anything over a day is read as such.
            return seconds > 86_400 ? TimeSpan.FromMilliseconds(seconds) : TimeSpan.FromSeconds(seconds);
        }

        if (hints?.GetString("at") is { } atHeader && Header(response, atHeader) is { } atText)
        {
            if (long.TryParse(atText, NumberStyles.None, CultureInfo.InvariantCulture, out var epoch))
            {
                var at = epoch > 100_000_000_000 ? DateTimeOffset.FromUnixTimeMilliseconds(epoch) : DateTimeOffset.FromUnixTimeSeconds(epoch);
                return at > now ? at - now : TimeSpan.Zero;
            }

            if (DateTimeOffset.TryParse(atText, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var date))
            {
                return date > now ? date - now : TimeSpan.Zero;
            }
        }

        return null;
    }

    private static string? Header(HttpResponseMessage response, string name) =>
        response.Headers.TryGetValues(name, out var values) ? values.FirstOrDefault() : null;
}
