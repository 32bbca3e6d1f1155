namespace Latchkey.Server.Hosting;

/// <summary>How the server listens, the public URLs it announces, and the input limits it enforces.</summary>
public sealed class ServerOptions
{
    /// <summary><c>LATCHKEY_PORT</c> (default 3003).</summary>
    public int Port { get; set; } = 3003;

    /// <summary><c>LATCHKEY_BIND</c>: the interface to listen on (default <c>localhost</c>; <c>0.0.0.0</c> in containers).</summary>
    public string Bind { get; set; } = "localhost";

    /// <summary><c>LATCHKEY_SERVER_URL</c>: the public base URL of the API, when behind a proxy or a custom domain.</summary>
    public string? ServerUrl { get; set; }

    /// <summary><c>LATCHKEY_CALLBACK_URL</c>: the OAuth redirect URI to register with providers.</summary>
    public string? CallbackUrl { get; set; }

    /// <summary><c>LATCHKEY_CONNECT_UI_URL</c>: where the Connect UI is served (default: <c>{server}/connect-ui/</c>).</summary>
    public string? ConnectUiUrl { get; set; }

    /// <summary><c>LATCHKEY_PUBLIC_KEY_AUTH</c>: accept the legacy public key on browser entry points (default off).</summary>
    public bool PublicKeyAuth { get; set; }

    /// <summary><c>LATCHKEY_MAX_BODY_BYTES</c>: the largest request body accepted (default 1 MiB).</summary>
    public long MaxBodyBytes { get; set; } = 1024 * 1024;

    /// <summary><c>LATCHKEY_TRUSTED_PROXIES</c>: IPs/CIDRs whose <c>X-Forwarded-For/-Proto/-Host</c> are believed (default none).</summary>
    public string? TrustedProxies { get; set; }

    /// <summary><c>LATCHKEY_TLS_CERT_FILE</c>: serve HTTPS with this certificate (PEM, or .pfx/.p12).</summary>
    public string? TlsCertificateFile { get; set; }

    /// <summary><c>LATCHKEY_TLS_KEY_FILE</c>: the PEM private key of the certificate, when not in the same file.</summary>
    public string? TlsKeyFile { get; set; }

    /// <summary><c>LATCHKEY_TLS_CERT_PASSWORD</c>: the password of a .pfx/.p12 file.</summary>
    public string? TlsCertificatePassword { get; set; }

    /// <summary>The parsed <see cref="TrustedProxies"/>.</summary>
    public IReadOnlyList<System.Net.IPNetwork> Proxies => Transport.ParseProxies(TrustedProxies) ?? [];
}
