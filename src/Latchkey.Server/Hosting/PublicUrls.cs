using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.Options;

namespace Latchkey.Server.Hosting;

/// <summary>
/// The URLs the server gives out (connect links, logos, the OAuth callback). Configured ones win; otherwise they
/// are derived from the address the server actually listens on, so a test host on a random port works unchanged.
/// </summary>
public sealed class PublicUrls(IOptions<ServerOptions> options, IServer server, IHttpContextAccessor requests)
{
    private string? _derivedServerUrl;

    public string Server => Trim(options.Value.ServerUrl) ?? FromProxiedRequest() ?? (_derivedServerUrl ??= DeriveFromListener());

    public string Callback => Trim(options.Value.CallbackUrl) ?? Server + "/oauth/callback";

    /// <summary>The Connect UI base, always ending with '/' (its assets are relative, spec §3.1).</summary>
    public string ConnectUi
    {
        get
        {
            var configured = options.Value.ConnectUiUrl;
            var url = string.IsNullOrWhiteSpace(configured) ? Server + "/connect-ui/" : configured.Trim();
            return url.EndsWith('/') ? url : url + "/";
        }
    }

    /// <summary>
    /// The standalone Connect UI for one session token (spec §6.3). It carries apiURL so a self-hosted link works as
    /// returned (DESIGN decision 9).
    /// </summary>
    public string ConnectLink(string sessionToken) => $"{ConnectUi}?session_token={sessionToken}&apiURL={Uri.EscapeDataString(Server)}";

    // Behind a trusted proxy that forwarded the public scheme or host, the request knows the public URL (the
    // forwarded-headers middleware keeps the replaced values in X-Original-*, and applies them only from LATCHKEY_TRUSTED_PROXIES).
    private string? FromProxiedRequest()
    {
        if (options.Value.Proxies.Count == 0 || requests.HttpContext?.Request is not { Host.HasValue: true } request ||
            !(request.Headers.ContainsKey("X-Original-Proto") || request.Headers.ContainsKey("X-Original-Host")))
        {
            return null;
        }

        return $"{request.Scheme}://{request.Host.Value}";
    }

    private static string? Trim(string? url) => string.IsNullOrWhiteSpace(url) ? null : url.Trim().TrimEnd('/');

    private string DeriveFromListener()
    {
        var address = server.Features.Get<IServerAddressesFeature>()?.Addresses.FirstOrDefault()
            ?? $"http://localhost:{options.Value.Port}";
        var uri = new Uri(address.Replace("://+", "://localhost", StringComparison.Ordinal).Replace("://*", "://localhost", StringComparison.Ordinal));
        var host = uri.Host is "0.0.0.0" or "[::]" or "::" ? "localhost" : uri.Host;
        return $"{uri.Scheme}://{(host.Contains(':', StringComparison.Ordinal) ? $"[{host}]" : host)}:{uri.Port}";
    }
}
