using System.Net;
using System.Net.Sockets;

namespace Latchkey.Server.Outbound;

/// <summary>
/// Decides whether the server may connect to an address. Refused by default: loopback, private (RFC 1918, RFC 4193),
/// link-local (which includes the 169.254.169.254 cloud metadata service), carrier-grade NAT, unspecified, multicast
/// and reserved ranges; IPv4-mapped IPv6 addresses are judged as the IPv4 address they carry.
/// </summary>
public sealed class AddressPolicy
{
    private static readonly IPNetwork[] Blocked =
    [
        IPNetwork.Parse("0.0.0.0/8"), IPNetwork.Parse("10.0.0.0/8"), IPNetwork.Parse("100.64.0.0/10"), IPNetwork.Parse("127.0.0.0/8"),
        IPNetwork.Parse("169.254.0.0/16"), IPNetwork.Parse("172.16.0.0/12"), IPNetwork.Parse("192.0.0.0/24"), IPNetwork.Parse("192.0.2.0/24"),
        IPNetwork.Parse("192.168.0.0/16"), IPNetwork.Parse("198.18.0.0/15"), IPNetwork.Parse("198.51.100.0/24"), IPNetwork.Parse("203.0.113.0/24"),
        IPNetwork.Parse("224.0.0.0/4"), IPNetwork.Parse("240.0.0.0/4"),
        IPNetwork.Parse("::/128"), IPNetwork.Parse("::1/128"), IPNetwork.Parse("fc00::/7"), IPNetwork.Parse("fe80::/10"),
        IPNetwork.Parse("ff00::/8"), IPNetwork.Parse("64:ff9b::/96"), IPNetwork.Parse("2001:db8::/32"),
    ];

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

    public bool IsHostExempt(string host) => _allowedHosts.Contains(host.ToLowerInvariant());

    public bool IsAllowed(IPAddress address)
    {
        if (address.IsIPv4MappedToIPv6)
        {
            address = address.MapToIPv4();
        }

        if (_allowedNetworks.Any(network => network.Contains(address)))
        {
            return true;
        }

        return !Blocked.Any(network => network.BaseAddress.AddressFamily == address.AddressFamily && network.Contains(address));
    }
}
