using System.Net.Sockets;
using System.Text;

namespace Latchkey.Server.Tests.Hosting;

/// <summary>A client that breaks off its request is its own affair: one Debug line, never an error with a stack trace.</summary>
public sealed class ClientAbortTests
{
    private static readonly Dictionary<string, string?> DebugForAborts = new() { ["Logging:LogLevel:Latchkey.Server.ClientAborts"] = "Debug" };

    [Fact]
    public async Task ClientDisconnectingMidBody_IsOneDebugLine_NoError()
    {
        await using var app = await Server.StartAsync(DebugForAborts);

        using (var socket = await ConnectAsync(app))
        {
            await socket.SendAsync(PartialSessionRequest(app), Server.Cancellation);
            await Task.Delay(200, Server.Cancellation);
        }

        var line = await WaitForAbortLineAsync(app);
        Assert.Contains("POST /connect/sessions", line, StringComparison.Ordinal);
        await Task.Delay(300, Server.Cancellation); // anything else the request would log has been written by now
        Assert.Single(app.Logs.Lines, l => l.Contains(ClientAbortCategory, StringComparison.Ordinal));
        Assert.DoesNotContain(app.Logs.Lines, l => l.StartsWith("Error", StringComparison.Ordinal) || l.StartsWith("Critical", StringComparison.Ordinal));
        Assert.DoesNotContain(app.Logs.Lines, l => l.Contains("   at ", StringComparison.Ordinal));
    }

    [Fact]
    public async Task MalformedBody_FromAClientStillListening_IsA400Envelope_AndOneDebugLine()
    {
        await using var app = await Server.StartAsync(DebugForAborts);

        using var socket = await ConnectAsync(app);
        await socket.SendAsync(Encoding.ASCII.GetBytes(
            "POST /connect/sessions HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n" +
            $"Authorization: Bearer {app.SecretKey}\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n" +
            "zz\r\n{}\r\n"), Server.Cancellation);
        var answer = await ReadToEndAsync(socket);

        Assert.StartsWith("HTTP/1.1 400", answer, StringComparison.Ordinal);
        Assert.Contains("\"code\":\"invalid_request\"", answer, StringComparison.Ordinal);
        var line = await WaitForAbortLineAsync(app);
        Assert.Contains("POST /connect/sessions", line, StringComparison.Ordinal);
        Assert.Single(app.Logs.Lines, l => l.Contains(ClientAbortCategory, StringComparison.Ordinal));
        Assert.DoesNotContain(app.Logs.Lines, l => l.StartsWith("Error", StringComparison.Ordinal) || l.Contains("   at ", StringComparison.Ordinal));
    }

    private const string ClientAbortCategory = "Latchkey.Server.ClientAborts";

    private static async Task<Socket> ConnectAsync(TestApp app)
    {
        var uri = new Uri(app.BaseUrl);
        var socket = new Socket(SocketType.Stream, ProtocolType.Tcp);
        await socket.ConnectAsync(uri.Host, uri.Port, Server.Cancellation);
        return socket;
    }

    // Promises 500 bytes of body and sends a dozen.
    private static byte[] PartialSessionRequest(TestApp app) => Encoding.ASCII.GetBytes(
        "POST /connect/sessions HTTP/1.1\r\nHost: localhost\r\n" +
        $"Authorization: Bearer {app.SecretKey}\r\nContent-Type: application/json\r\nContent-Length: 500\r\n\r\n" +
        "{\"end_user\":");

    private static async Task<string> ReadToEndAsync(Socket socket)
    {
        var received = new StringBuilder();
        var buffer = new byte[4096];
        int count;
        while ((count = await socket.ReceiveAsync(buffer, Server.Cancellation)) > 0)
        {
            received.Append(Encoding.UTF8.GetString(buffer, 0, count));
        }

        return received.ToString();
    }

    private static async Task<string> WaitForAbortLineAsync(TestApp app)
    {
        for (var attempt = 0; attempt < 100; attempt++)
        {
            if (app.Logs.Lines.FirstOrDefault(l => l.Contains(ClientAbortCategory, StringComparison.Ordinal)) is { } line)
            {
                Assert.StartsWith("Debug", line, StringComparison.Ordinal);
                return line;
            }

            await Task.Delay(50, Server.Cancellation);
        }

        throw new Xunit.Sdk.XunitException("No client-abort line was logged:\n" + app.Logs.All);
    }
}
