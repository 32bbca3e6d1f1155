using System.Net;
using System.Net.Sockets;

namespace Latchkey.Server.Outbound;

/// <summary>
/// The connect step of every outbound HTTP connection: resolves the host itself and connects only to an address
/// the <see cref="AddressPolicy"/> allows. Checking the resolved address (not the URL) defeats DNS names that point
/// inside, and because redirects open connections through here too, they are checked as well.
/// </summary>
public sealed class GuardedConnector(AddressPolicy policy)
{
    public async ValueTask<Stream> ConnectAsync(SocketsHttpConnectionContext context, CancellationToken cancellationToken)
    {
        var host = context.DnsEndPoint.Host;
        var addresses = IPAddress.TryParse(host, out var literal)
            ? [literal]
            : await Dns.GetHostAddressesAsync(host, cancellationToken);
        var exempt = policy.IsHostExempt(host);
        var permitted = addresses.Where(address => exempt || policy.IsAllowed(address)).ToArray();
        if (permitted.Length == 0)
        {
            throw new OutboundRefusedException($"Refused to connect to {host}: it resolves to a private, loopback or link-local address.");
        }

        var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        try
        {
            await socket.ConnectAsync(permitted, context.DnsEndPoint.Port, cancellationToken);
            return new NetworkStream(socket, ownsSocket: true);
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }
}

/// <summary>The outbound guard refused a destination.</summary>
public sealed class OutboundRefusedException(string message) : HttpRequestException(message);

/// <summary>A short, secret-free reason for a failed outbound call, for logs and error messages.</summary>
public static class OutboundFailure
{
    /// <summary>The guard refused the destination: a permanent answer, which trying again cannot change.</summary>
    public static bool IsRefused(Exception exception)
    {
        for (var current = exception; current is not null; current = current.InnerException)
        {
            if (current is OutboundRefusedException)
            {
                return true;
            }
        }

        return false;
    }

    public static string Describe(Exception exception)
    {
        for (var current = exception; current is not null; current = current.InnerException)
        {
            if (current is OutboundRefusedException refused)
            {
                return refused.Message;
            }
        }

        return exception switch
        {
            TaskCanceledException => "the request timed out",
            HttpRequestException { HttpRequestError: var error } => $"the connection failed ({error})",
            _ => exception.GetType().Name,
        };
    }
}
