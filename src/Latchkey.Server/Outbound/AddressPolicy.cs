using System.Net;
using System.Net.Sockets;

namespace Latchkey.Server.Outbound;

/// <summary>
/// Decides whether the server may connect to an address. Refused by default: loopback, private (RFC 1918, RFC 4193),
/// link-local (which includes the 169.254.169.254 cloud metadata service), carrier-grade NAT, unspecified, multicast
/// and reserved ranges. IPv6 forms that carry an IPv4 address are judged as that IPv4 address (IPv4-mapped, 6to4), or
/// refused outright where the embedded address cannot be trusted to be the real peer (IPv4-compatible, IPv4-translated,
/// NAT64, Teredo): a translator on the path would connect to whatever IPv4 address the attacker wrote into them.
/// </summary>
public sealed class AddressPolicy
{
    private static readonly IPNetwork[] Blocked =
    [
        IPNetwork.Parse("0.0.0.0/8"), IPNetwork.Parse("10.0.0.0/8"), IPNetwork.Parse("100.64.0.0/10"), IPNetwork.Parse("127.0.0.0/8"),
        IPNetwork.Parse("169.254.0.0/16"), IPNetwork.Parse("172.16.0.0/12"), IPNetwork.Parse("192.0.0.0/24"), IPNetwork.Parse("192.0.2.0/24"),
        IPNetwork.Parse("192.168.0.0/16"), IPNetwork.Parse("198.18.0.0/15"), IPNetwork.Parse("198.51.100.0/24"), IPNetwork.Parse("203.0.113.0/24"),
        IPNetwork.Parse("224.0.0.0/4"), IPNetwork.Parse("240.0.0.0/4"),
        // ::/96 holds the unspecified address, loopback and the deprecated IPv4-compatible form (::a.b.c.d, RFC 4291 §2.5.5.1).
        IPNetwork.Parse("::/96"), IPNetwork.Parse("::ffff:0:0:0/96"), IPNetwork.Parse("100::/64"),
        IPNetwork.Parse("64:ff9b::/96"), IPNetwork.Parse("64:ff9b:1::/48"), // NAT64, well-known and local-use (RFC 6052, RFC 8215)
        IPNetwork.Parse("2001::/32"), // Teredo (RFC 4380): tunnels to an IPv4 server and client written into the address
        IPNetwork.Parse("2001:db8::/32"), IPNetwork.Parse("fc00::/7"), IPNetwork.Parse("fe80::/10"),
        IPNetwork.Parse("fec0::/10"), // site-local, deprecated by RFC 3879 but still routed inside some networks
        IPNetwork.Parse("ff00::/8"),
    ];

    private static readonly IPNetwork SixToFour = IPNetwork.Parse("2002::/16");

    private readonly IPNetwork[] _allowedNetworks;
    private readonly HashSet<string> _allowedHosts;

    public AddressPolicy(string? allow)
    {
        var entries = (allow ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        _allowedNetworks = entries.Select(e => IPNetwork.TryParse(e, out var network) ? network
            : IPAddress.TryParse(e, out var address) ? new IPNetwork(address, address.AddressFamily == AddressFamily.InterNetwork ? 32 : 128)
            : (IPNetwork?)null).OfType<IPNetwork>().ToArray();
        _allowedHosts = entries.Where(e => !IPNetwork.TryParse(e, out _) && !IPAddress.TryParse(e, out _))
            .Select(e => e.ToLowerInvariant()).ToHashSet(StringComparer.Ordinal);
    }

    /// <summary>Whether every entry of a <c>LATCHKEY_OUTBOUND_ALLOW</c> list is a CIDR range, an IP address or a host name.</summary>
    public static bool IsValidList(string? allow) =>
        (allow ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .All(e => IPNetwork.TryParse(e, out _) || IPAddress.TryParse(e, out _) || Uri.CheckHostName(e) == UriHostNameType.Dns);

    public bool IsHostExempt(string host) => _allowedHosts.Contains(host.ToLowerInvariant());

    public bool IsAllowed(IPAddress address)
    {
        if (_allowedNetworks.Any(network => network.Contains(address)))
        {
            return true;
        }

        if (EmbeddedIPv4(address) is { } embedded)
        {
            return IsAllowed(embedded);
        }

        return !Blocked.Any(network => network.BaseAddress.AddressFamily == address.AddressFamily && network.Contains(address));
    }

    // The IPv4 address an IPv6 address stands for, where the IPv6 address is only a way of reaching it:
    // ::ffff:a.b.c.d (IPv4-mapped) and 2002:AABB:CCDD::/48 (6to4, RFC 3056 §2).
    private static IPAddress? EmbeddedIPv4(IPAddress address)
    {
        if (address.IsIPv4MappedToIPv6)
        {
            return address.MapToIPv4();
        }

        if (address.AddressFamily == AddressFamily.InterNetworkV6 && SixToFour.Contains(address))
        {
            var bytes = address.GetAddressBytes();
            return new IPAddress(bytes.AsSpan(2, 4));
        }

        return null;
    }
}
