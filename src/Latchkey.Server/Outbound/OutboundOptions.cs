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
}
