using System.Security.Cryptography.X509Certificates;
using Microsoft.Extensions.Options;

namespace Latchkey.Server.Outbound;

/// <summary>
/// Outbound clients that present a TLS client certificate (mutual TLS at a token endpoint, RFC 8705). One client per
/// request, disposed by the caller with its handler: certificates differ per connection and token requests are rare,
/// so nothing is pooled and no certificate outlives its request in memory.
/// </summary>
public sealed class ClientCertificateClients(GuardedConnector connector, OutboundTrust trust, IOptions<OutboundOptions> options)
{
    public HttpClient Create(X509Certificate2 certificate)
    {
        var client = new HttpClient(OutboundHandler.Create(connector, trust, certificate), disposeHandler: true)
        {
            Timeout = TimeSpan.FromSeconds(options.Value.TimeoutSeconds),
        };
        OutboundFeature.Describe(client);
        return client;
    }
}
