using Latchkey.Server.Hosting;
using Latchkey.Server.Providers;

namespace Latchkey.Server.Proxy;

/// <summary>
/// The URL a proxied call goes to: the provider's <c>proxy.base_url</c> (or the allowed <c>Base-Url-Override</c>)
/// rendered with the connection's values, then the caller's endpoint exactly as written, then the provider's
/// <c>proxy.query</c> (spec §4.9, §5.13).
/// </summary>
public static class ProxyTarget
{
    public static Outcome<Uri> Build(Provider provider, ProxyCall call, ProxyAuth auth)
    {
        var baseUrl = ProviderApiRequest.ProxyBaseUrl(provider, call.BaseUrlOverride, auth.Values);
        if (baseUrl is null)
        {
            return provider.Proxy?.GetString("base_url") is null && call.BaseUrlOverride is null
                ? ApiError.BadRequest(ErrorCodes.MissingBaseUrl, $"Provider '{provider.Name}' declares no API base URL (proxy.base_url); pass Base-Url-Override if this server allows it.")
                : ApiError.BadRequest(ErrorCodes.MissingBaseUrl, $"The API base URL of '{provider.Name}' needs connection settings this connection does not have.");
        }

        var url = auth.WithProviderQuery(ProviderUrls.Join(baseUrl.AbsoluteUri, call.Endpoint));

        // The endpoint is appended after a slash, so it cannot change the host; checked anyway, since the
        // credentials are about to be sent wherever this points.
        return Uri.TryCreate(url, UriKind.Absolute, out var target) && target.Host.Equals(baseUrl.Host, StringComparison.OrdinalIgnoreCase)
            ? target
            : ApiError.BadRequest(ErrorCodes.InvalidUriParams, "The endpoint does not form a valid URL on the provider's host.");
    }
}
