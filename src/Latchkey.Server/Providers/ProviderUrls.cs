namespace Latchkey.Server.Providers;

/// <summary>URL templates of the catalog rendered into absolute http(s) URLs (spec §5.13).</summary>
public static class ProviderUrls
{
    /// <summary>
    /// Renders with percent-encoded values; when that yields no valid URL (a value that is itself a URL, such as
    /// Salesforce's <c>instance_url</c>), tries once more without encoding. Null when placeholders stay unresolved.
    /// </summary>
    public static Uri? Render(string template, TemplateValues values, bool skipEncoding = false, DateTimeOffset? now = null)
    {
        var rendered = Template.Render(template, values, encode: !skipEncoding, now);
        if (!Template.IsComplete(rendered))
        {
            return null;
        }

        if (TryHttpUrl(rendered, out var uri))
        {
            return uri;
        }

        return TryHttpUrl(Uri.UnescapeDataString(rendered), out uri) ? uri : null;
    }

    /// <summary>Joins a base URL and an endpoint path the way a proxy call does: exactly one slash between them.</summary>
    public static string Join(string baseUrl, string endpoint) =>
        endpoint.Length == 0 ? baseUrl : baseUrl.TrimEnd('/') + "/" + endpoint.TrimStart('/');

    private static bool TryHttpUrl(string text, out Uri uri) =>
        Uri.TryCreate(text, UriKind.Absolute, out uri!) && (uri.Scheme == Uri.UriSchemeHttps || uri.Scheme == Uri.UriSchemeHttp);
}
