using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using IPNetwork = System.Net.IPNetwork;

namespace Latchkey.Server.Hosting;

/// <summary>
/// How requests reach the server: through a TLS-terminating proxy (its <c>X-Forwarded-*</c> headers believed only
/// from <c>LATCHKEY_TRUSTED_PROXIES</c>) or over HTTPS served here from a certificate file.
/// </summary>
public static class Transport
{
    /// <summary>Parses <c>LATCHKEY_TRUSTED_PROXIES</c>: IPs and CIDR ranges separated by commas or spaces; null when one is not.</summary>
    public static IReadOnlyList<IPNetwork>? ParseProxies(string? text)
    {
        var networks = new List<IPNetwork>();
        foreach (var part in (text ?? "").Split([',', ' ', ';'], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            if (IPNetwork.TryParse(part, out var network))
            {
                networks.Add(network);
            }
            else if (IPAddress.TryParse(part, out var address))
            {
                networks.Add(new IPNetwork(address, address.AddressFamily == System.Net.Sockets.AddressFamily.InterNetwork ? 32 : 128));
            }
            else
            {
                return null;
            }
        }

        return networks;
    }

    /// <summary>
    /// The forwarded-headers middleware, first in the pipeline (before the WebSockets, the limits and the cookies), so
    /// the client IP and scheme are the real ones. Without trusted proxies nothing is believed, loopback included.
    /// </summary>
    public static Microsoft.AspNetCore.Builder.ForwardedHeadersOptions ForwardedHeaders(IReadOnlyList<IPNetwork> proxies)
    {
        var options = new Microsoft.AspNetCore.Builder.ForwardedHeadersOptions
        {
            ForwardedHeaders = Microsoft.AspNetCore.HttpOverrides.ForwardedHeaders.XForwardedFor |
                Microsoft.AspNetCore.HttpOverrides.ForwardedHeaders.XForwardedProto | Microsoft.AspNetCore.HttpOverrides.ForwardedHeaders.XForwardedHost,
            // A chain of trusted proxies is walked back to the first address that is not one of them.
            ForwardLimit = null,
        };
        options.KnownProxies.Clear();
        options.KnownIPNetworks.Clear();
        foreach (var network in proxies)
        {
            options.KnownIPNetworks.Add(network);
        }

        return options;
    }

    /// <summary>
    /// The certificate of <c>LATCHKEY_TLS_CERT_FILE</c>: a PEM certificate (chain) with <c>LATCHKEY_TLS_KEY_FILE</c>
    /// (or the key in the same file), or a PKCS#12 file (.pfx/.p12) with <c>LATCHKEY_TLS_CERT_PASSWORD</c>.
    /// </summary>
    public static X509Certificate2 LoadCertificate(string certificateFile, string? keyFile, string? password)
    {
        try
        {
            if (certificateFile.EndsWith(".pfx", StringComparison.OrdinalIgnoreCase) || certificateFile.EndsWith(".p12", StringComparison.OrdinalIgnoreCase))
            {
                return X509CertificateLoader.LoadPkcs12FromFile(certificateFile, password);
            }

            var pem = X509Certificate2.CreateFromPemFile(certificateFile, string.IsNullOrWhiteSpace(keyFile) ? null : keyFile);
            if (!pem.HasPrivateKey)
            {
                throw new CryptographicException("the certificate has no private key (set LATCHKEY_TLS_KEY_FILE)");
            }

            // A PEM key is ephemeral; exporting to PKCS#12 gives TLS a key it can use on every platform.
            return X509CertificateLoader.LoadPkcs12(pem.Export(X509ContentType.Pkcs12), null);
        }
        catch (Exception exception) when (exception is CryptographicException or IOException or UnauthorizedAccessException or ArgumentException)
        {
            throw new StartupRefusalException($"LATCHKEY_TLS_CERT_FILE {certificateFile} could not be loaded: {exception.Message.TrimEnd('.')}.", exception);
        }
    }
}
