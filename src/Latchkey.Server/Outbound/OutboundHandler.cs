using System.Security.Cryptography.X509Certificates;

namespace Latchkey.Server.Outbound;

/// <summary>
/// The one recipe for an outbound connection handler, so the shared client and the per-request client-certificate
/// clients carry the same guards: the address-checking connector, no proxy, bounded redirects, no cookies.
/// </summary>
public static class OutboundHandler
{
    public static SocketsHttpHandler Create(GuardedConnector connector, OutboundTrust trust, X509Certificate2? clientCertificate = null, bool followRedirects = true)
    {
        var handler = new SocketsHttpHandler
        {
            ConnectCallback = connector.ConnectAsync,
            AllowAutoRedirect = followRedirects,
            MaxAutomaticRedirections = 5,
            PooledConnectionLifetime = TimeSpan.FromMinutes(2),
            UseCookies = false,
            // A proxy would receive the connection instead of the checked address; the guard must see the real peer.
            UseProxy = false,
        };
        handler.SslOptions.RemoteCertificateValidationCallback = trust.Callback;
        if (clientCertificate is not null)
        {
            handler.SslOptions.ClientCertificates = [clientCertificate];
        }

        return handler;
    }
}
