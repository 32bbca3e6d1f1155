namespace Latchkey.Server.Hosting.Validation;

/// <summary>URL fields of request bodies (webhook overrides, docs links): http(s) only; <c>""</c> means "clear".</summary>
public static class HttpUrls
{
    public static string? Read(JsonObjectReader parent, string key)
    {
        var value = parent.Text(key, StringRule.Bounded(0, InputLimits.Url));
        if (value is { Length: > 0 } && !IsHttpUrl(value))
        {
            parent.Fail(key, IssueCodes.InvalidFormat, "must be an http(s) URL or an empty string");
            return null;
        }

        return value;
    }

    /// <summary>An absolute http(s) URL with a host and no user info: a stored URL never carries a password.</summary>
    public static bool IsHttpUrl(string value) =>
        Uri.TryCreate(value, UriKind.Absolute, out var uri) && uri.Scheme is "http" or "https" && uri.Host.Length > 0 && uri.UserInfo.Length == 0;
}
