namespace Latchkey.Server.Outbound;

public sealed class OutboundOptions
{
    /// <summary>
    /// <c>LATCHKEY_OUTBOUND_ALLOW</c>: comma-separated host names or CIDR ranges that may be reached even though they
    /// resolve to loopback/private addresses (e.g. <c>127.0.0.1/32</c> for the tests' fakes, or an internal IdP).
    /// </summary>
    public string? Allow { get; set; }

    /// <summary><c>LATCHKEY_OUTBOUND_TIMEOUT_SECONDS</c>: per request (default 15).</summary>
    public int TimeoutSeconds { get; set; } = 15;

    /// <summary>
    /// <c>LATCHKEY_OUTBOUND_TRUSTED_CERTIFICATES</c>: a PEM file of extra certificates trusted as roots for outbound
    /// TLS, in addition to the system's (an internal identity provider's private CA; the tests' self-signed fake).
    /// Unset by default: only the system's roots are trusted.
    /// </summary>
    public string? TrustedCertificatesFile { get; set; }
}
