using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;

namespace Latchkey.Server.Tests.Observability;

/// <summary>
/// A stand-in OpenTelemetry collector on loopback: accepts OTLP/HTTP (protobuf) POSTs and keeps each body by path
/// (/v1/traces, /v1/metrics). Protobuf writes strings as plain UTF-8, so a metric's name can be found in a body as
/// bytes. An HttpListener, not Kestrel: ASP.NET Core's tracing is process-wide, and a Kestrel collector's own
/// requests would be traced and exported to itself.
/// </summary>
internal sealed class OtlpReceiver : IAsyncDisposable
{
    private readonly HttpListener _listener = new();
    private readonly ConcurrentQueue<(string Path, byte[] Body)> _received = new();
    private readonly Task _loop;

    private OtlpReceiver(int port)
    {
        Url = $"http://127.0.0.1:{port}";
        _listener.Prefixes.Add(Url + "/");
        _listener.Start();
        _loop = Task.Run(ServeAsync);
    }

    public string Url { get; }

    public IReadOnlyList<byte[]> Bodies(string path) => _received.Where(entry => entry.Path == path).Select(entry => entry.Body).ToList();

    public static Task<OtlpReceiver> StartAsync()
    {
        using var probe = new TcpListener(IPAddress.Loopback, 0);
        probe.Start();
        var port = ((IPEndPoint)probe.LocalEndpoint).Port;
        probe.Stop();
        return Task.FromResult(new OtlpReceiver(port));
    }

    public async Task<bool> WaitUntilAsync(Func<OtlpReceiver, bool> condition, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (!condition(this))
        {
            if (DateTime.UtcNow > deadline)
            {
                return false;
            }

            await Task.Delay(100);
        }

        return true;
    }

    private async Task ServeAsync()
    {
        while (_listener.IsListening)
        {
            HttpListenerContext context;
            try
            {
                context = await _listener.GetContextAsync();
            }
            catch (Exception exception) when (exception is HttpListenerException or ObjectDisposedException)
            {
                return;
            }

            using var body = new MemoryStream();
            await context.Request.InputStream.CopyToAsync(body);
            _received.Enqueue((context.Request.Url!.AbsolutePath, body.ToArray()));
            context.Response.StatusCode = 200;
            context.Response.Close();
        }
    }

    public async ValueTask DisposeAsync()
    {
        _listener.Stop();
        _listener.Close();
        await _loop;
    }
}
