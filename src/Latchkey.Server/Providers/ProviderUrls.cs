namespace Latchkey.Server.Providers;

/// <summary>A rendered URL template: the URL, or the field whose value does not fit where the template puts it.</summary>
public sealed record RenderedUrl(Uri? Url, string? RefusedField, string? Reason)
{
    /// <summary>Placeholders were left unresolved (a value is missing), not refused.</summary>
    public bool IsIncomplete => Url is null && RefusedField is null;
}

/// <summary>
/// URL templates of the catalog rendered into absolute http(s) URLs (spec §5.13), from validated, encoded parts.
/// Where a placeholder lands decides what its value may be, so a value can never move the URL to another host:
/// <list type="bullet">
/// <item>At the very start of the template (<c>${connectionConfig.instance_url}/…</c>) the value is a whole base URL:
/// an absolute http(s) URL without user info or fragment. The template delegated the host to it.</item>
/// <item>Between <c>://</c> and the first <c>/</c>, <c>?</c> or <c>#</c> (the authority) it is part of a host name: one
/// or more DNS labels (letters, digits, <c>-</c>, <c>_</c>; 1–63 characters, not starting or ending with <c>-</c>)
/// joined by single dots. No <c>:</c>, <c>/</c>, <c>?</c>, <c>#</c>, <c>@</c>, <c>\</c>, <c>%</c> or space, so it cannot
/// add a port, user info, path or escape, and it adds labels only through its own dots.
/// A placeholder that is the whole host (<c>https://${hostname}/…</c>) names any host, and may add a <c>:port</c> and a
/// base path of unreserved characters (<c>jira.corp.example:8443/jira</c>); one in front of fixed labels
/// (<c>https://${subdomain}.zendesk.com</c>) stays under them. One that ends the host (<c>https://zoho.${extension}</c>)
/// chooses the domain, so such fields need an <c>enum</c> or <c>pattern</c> in the catalog (the built-in ones have one).</item>
/// <item>Anywhere after the authority (path, query) the value is percent-encoded, unless the provider lists
/// <c>base_url</c> in <c>*_skip_encode</c>.</item>
/// </list>
/// The rendered URL is then parsed, and its scheme and host must be the ones the template and the checked values
/// spelled out. Nothing is retried unescaped: a value that does not fit is refused, naming its field.
/// </summary>
public static class ProviderUrls
{
    /// <summary>The URL, or null when a placeholder is missing or a value does not fit (see <see cref="Build"/>).</summary>
    public static Uri? Render(string template, TemplateValues values, bool skipEncoding = false, DateTimeOffset? now = null) =>
        Build(template, values, skipEncoding, now).Url;

    public static RenderedUrl Build(string template, TemplateValues values, bool skipEncoding = false, DateTimeOffset? now = null)
    {
        (string Field, string Reason)? refused = null;
        string? Substitute(string before, string expression, string value, string after)
        {
            var (text, reason) = Place(before, value, after, skipEncoding);
            if (reason is not null)
            {
                refused ??= (FieldName(expression), reason);
            }

            return text;
        }

        var rendered = Template.Render(template, values, Substitute, now);
        if (refused is { } refusal)
        {
            return new RenderedUrl(null, refusal.Field, refusal.Reason);
        }

        if (!Template.IsComplete(rendered))
        {
            return new RenderedUrl(null, null, null);
        }

        return TryHttpUrl(rendered, out var uri) ? new RenderedUrl(uri, null, null)
            : new RenderedUrl(null, FirstField(template) ?? "url", "the URL built from it is not a valid http(s) URL");
    }

    /// <summary>Joins a base URL and an endpoint path the way a proxy call does: exactly one slash between them.</summary>
    public static string Join(string baseUrl, string endpoint) =>
        endpoint.Length == 0 ? baseUrl : baseUrl.TrimEnd('/') + "/" + endpoint.TrimStart('/');

    private static (string? Text, string? Reason) Place(string before, string value, string after, bool skipEncoding)
    {
        var schemeEnd = before.IndexOf("://", StringComparison.Ordinal);
        if (schemeEnd < 0)
        {
            return before.Length == 0 && IsBaseUrl(value) ? (value, null)
                : (null, "must be an absolute http(s) URL without user name, password or fragment");
        }

        var afterScheme = before.AsSpan(schemeEnd + 3);
        if (afterScheme.IndexOfAny('/', '?', '#') < 0)
        {
            // The whole host, with nothing of the template's after it but a path: the value may name a port and a base
            // path too (a self-hosted server at https://jira.corp.example:8443/jira).
            var wholeHost = afterScheme.Length == 0 && (after.Length == 0 || after[0] is '/' or '?' or '#');
            return wholeHost ? IsHostPortPath(value) ? (value, null)
                    : (null, "must be a host name, optionally with :port and a /path of letters, digits and '-._~'")
                : IsHostPart(value) ? (value, null)
                : (null, "must be a host name part: letters, digits, '-' and '_' in labels separated by single dots");
        }

        return (skipEncoding ? value : Uri.EscapeDataString(value), null);
    }

    internal static bool IsHostPart(string value)
    {
        if (value.Length is 0 or > 253)
        {
            return false;
        }

        foreach (var label in value.Split('.'))
        {
            if (label.Length is 0 or > 63 || label[0] == '-' || label[^1] == '-' ||
                !label.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_'))
            {
                return false;
            }
        }

        return true;
    }

    // host[:port][/segment…], segments of RFC 3986 unreserved characters only (no '.' or '..' segment).
    private static bool IsHostPortPath(string value)
    {
        var pathStart = value.IndexOf('/', StringComparison.Ordinal);
        var authority = pathStart < 0 ? value : value[..pathStart];
        var portStart = authority.IndexOf(':', StringComparison.Ordinal);
        var host = portStart < 0 ? authority : authority[..portStart];
        var port = portStart < 0 ? null : authority[(portStart + 1)..];
        if (!IsHostPart(host) || (port is not null && (port.Length is 0 or > 5 || !port.All(char.IsAsciiDigit) || int.Parse(port, System.Globalization.CultureInfo.InvariantCulture) is 0 or > 65535)))
        {
            return false;
        }

        return pathStart < 0 || value[(pathStart + 1)..].Split('/').All(segment =>
            segment.Length > 0 && segment is not "." and not ".." && segment.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '.' or '_' or '~'));
    }

    private static bool IsBaseUrl(string value) =>
        !value.Any(c => char.IsWhiteSpace(c) || char.IsControl(c) || c == '\\') &&
        TryHttpUrl(value, out var uri) && uri.UserInfo.Length == 0 && uri.Fragment.Length == 0 && !value.Contains('#', StringComparison.Ordinal) &&
        IsHostPart(uri.Host);

    // The final check: the parsed URL's host is exactly what the template and the checked values spelled out between
    // "://" and the first '/', '?' or '#' (so no parser reading of '@', '\' or an escape moved it), without user info.
    private static bool TryHttpUrl(string text, out Uri uri)
    {
        if (!Uri.TryCreate(text, UriKind.Absolute, out uri!) || (uri.Scheme != Uri.UriSchemeHttps && uri.Scheme != Uri.UriSchemeHttp) ||
            uri.UserInfo.Length > 0)
        {
            return false;
        }

        var schemeEnd = text.IndexOf("://", StringComparison.Ordinal);
        if (schemeEnd < 0 || !string.Equals(text[..schemeEnd], uri.Scheme, StringComparison.OrdinalIgnoreCase))
        {
            return false;
        }

        var authority = text[(schemeEnd + 3)..];
        var authorityEnd = authority.IndexOfAny(['/', '?', '#']);
        authority = authorityEnd < 0 ? authority : authority[..authorityEnd];
        var portStart = authority.LastIndexOf(':');
        var host = portStart < 0 ? authority : authority[..portStart];
        return string.Equals(host, uri.Host, StringComparison.OrdinalIgnoreCase) &&
               (portStart < 0 || (int.TryParse(authority.AsSpan(portStart + 1), out var port) && port == uri.Port));
    }

    private static string FieldName(string expression)
    {
        foreach (var prefix in (string[])["connectionConfig.", "credentials."])
        {
            if (expression.StartsWith(prefix, StringComparison.Ordinal))
            {
                return expression[prefix.Length..];
            }
        }

        return expression;
    }

    private static string? FirstField(string template)
    {
        var start = template.IndexOf("${", StringComparison.Ordinal);
        var end = start < 0 ? -1 : template.IndexOf('}', start);
        return end < 0 ? null : FieldName(template[(start + 2)..end].Trim());
    }
}
