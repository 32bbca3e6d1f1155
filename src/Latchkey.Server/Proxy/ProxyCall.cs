using System.Globalization;
using Latchkey.Server.Hosting;
using Microsoft.AspNetCore.Http.Features;

namespace Latchkey.Server.Proxy;

/// <summary>What a caller asked of <c>/proxy/*</c>, read from Nango's request headers (spec §4.9).</summary>
public sealed record ProxyCall(
    string ConnectionId,
    string IntegrationKey,
    string Endpoint,
    int Retries,
    IReadOnlySet<int> RetryOn,
    string? BaseUrlOverride,
    bool Decompress,
    bool ForwardHeadersOnRedirect,
    IReadOnlyList<KeyValuePair<string, string>> Headers)
{
    private const string Prefix = "Nango-Proxy-";

    /// <summary>
    /// Headers of the caller's own request that describe its body or what it accepts, forwarded as they are. Nothing
    /// else is: the caller's Authorization (its secret key), cookies and forwarding headers never reach the provider.
    /// </summary>
    private static readonly HashSet<string> PassedThrough = new(StringComparer.OrdinalIgnoreCase)
    {
        "Accept", "Accept-Encoding", "Accept-Language", "Content-Type", "Content-Encoding", "Content-Language", "Content-Disposition",
        "If-Match", "If-None-Match", "If-Modified-Since", "If-Unmodified-Since", "If-Range", "Range",
    };

    /// <summary>Headers a caller may not set through <c>Nango-Proxy-*</c>: they belong to the connection, not the message.</summary>
    private static readonly HashSet<string> Refused = new(StringComparer.OrdinalIgnoreCase)
    {
        "Host", "Content-Length", "Transfer-Encoding", "Connection", "Keep-Alive", "Upgrade", "TE", "Trailer", "Proxy-Authorization", "Proxy-Connection",
    };

    public static Outcome<ProxyCall> Read(HttpContext context, ProxyOptions options)
    {
        var headers = context.Request.Headers;
        var issues = new List<ValidationIssue>();
        var connectionId = headers["Connection-Id"].ToString().Trim();
        var integrationKey = headers["Provider-Config-Key"].ToString().Trim();
        Require(issues, "Connection-Id", connectionId);
        Require(issues, "Provider-Config-Key", integrationKey);

        var retries = 0;
        if (headers["Retries"].ToString() is { Length: > 0 } retriesText &&
            (!int.TryParse(retriesText, NumberStyles.None, CultureInfo.InvariantCulture, out retries) || retries > ProxyOptions.MaxRetries))
        {
            Issue(issues, "Retries", $"must be a whole number from 0 to {ProxyOptions.MaxRetries}");
        }

        var retryOn = new HashSet<int>();
        foreach (var code in headers["Retry-On"].ToString().Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            if (int.TryParse(code, NumberStyles.None, CultureInfo.InvariantCulture, out var status) && status is >= 100 and <= 599)
            {
                retryOn.Add(status);
            }
            else
            {
                Issue(issues, "Retry-On", "must be comma-separated HTTP status codes");
                break;
            }
        }

        var baseUrlOverride = headers["Base-Url-Override"].ToString().Trim();
        if (baseUrlOverride.Length > 0 && !options.AllowBaseUrlOverride)
        {
            Issue(issues, "Base-Url-Override", "is not allowed on this server (LATCHKEY_PROXY_ALLOW_BASE_URL_OVERRIDE is off)");
        }
        else if (baseUrlOverride.Length > 0 && !(Uri.TryCreate(baseUrlOverride, UriKind.Absolute, out var uri) && uri.Scheme is "http" or "https"))
        {
            Issue(issues, "Base-Url-Override", "must be an absolute http(s) URL");
        }

        var decompress = Flag(issues, headers, "Decompress", false);
        var forwardOnRedirect = Flag(issues, headers, "Forward-Headers-On-Redirect", true);
        var forwarded = Forwarded(headers, issues);
        if (issues.Count > 0)
        {
            return ApiError.Invalid(ErrorCodes.InvalidHeaders, issues);
        }

        return new ProxyCall(connectionId, integrationKey, EndpointOf(context), retries, retryOn, baseUrlOverride.Length > 0 ? baseUrlOverride : null,
            decompress, forwardOnRedirect, forwarded);
    }

    // The endpoint exactly as the caller wrote it (path and query, still percent-encoded): the request target minus "/proxy".
    private static string EndpointOf(HttpContext context)
    {
        var raw = context.Features.Get<IHttpRequestFeature>()?.RawTarget ?? "";
        if (raw.StartsWith("/proxy", StringComparison.OrdinalIgnoreCase))
        {
            return raw["/proxy".Length..];
        }

        return context.Request.Path.Value![("/proxy".Length)..] + context.Request.QueryString.Value;
    }

    private static List<KeyValuePair<string, string>> Forwarded(IHeaderDictionary headers, List<ValidationIssue> issues)
    {
        var forwarded = new List<KeyValuePair<string, string>>();
        foreach (var (name, values) in headers)
        {
            if (PassedThrough.Contains(name))
            {
                forwarded.AddRange(values.Select(value => KeyValuePair.Create(name, value ?? "")));
            }
        }

        // Nango-Proxy-<X> comes after, so it wins over a passed-through header of the same name.
        foreach (var (name, values) in headers)
        {
            if (!name.StartsWith(Prefix, StringComparison.OrdinalIgnoreCase) || name.Length == Prefix.Length)
            {
                continue;
            }

            var target = name[Prefix.Length..];
            if (Refused.Contains(target))
            {
                Issue(issues, name, $"{target} cannot be set on a proxied request");
                continue;
            }

            forwarded.RemoveAll(pair => pair.Key.Equals(target, StringComparison.OrdinalIgnoreCase));
            forwarded.AddRange(values.Select(value => KeyValuePair.Create(target, value ?? "")));
        }

        return forwarded;
    }

    private static bool Flag(List<ValidationIssue> issues, IHeaderDictionary headers, string name, bool fallback)
    {
        var text = headers[name].ToString().Trim();
        if (text.Length == 0)
        {
            return fallback;
        }

        if (bool.TryParse(text, out var value))
        {
            return value;
        }

        Issue(issues, name, "must be true or false");
        return fallback;
    }

    private static void Require(List<ValidationIssue> issues, string name, string value)
    {
        if (value.Length == 0)
        {
            issues.Add(new ValidationIssue(IssueCodes.InvalidType, $"the {name} header is required", [name]));
        }
    }

    private static void Issue(List<ValidationIssue> issues, string name, string message) =>
        issues.Add(new ValidationIssue(IssueCodes.InvalidValue, $"{name} {message}", [name]));
}
