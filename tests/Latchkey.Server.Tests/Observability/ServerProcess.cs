using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Sockets;
using Latchkey.Server.Environments;

namespace Latchkey.Server.Tests.Observability;

/// <summary>
/// The server as its own process, configured by environment variables as a user would run it: for what only a
/// whole process shows (its console output, process-wide telemetry, a published binary). Fresh data folder, free
/// loopback port; ready once <c>/health</c> answers.
/// </summary>
internal sealed class ServerProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly string _dataDirectory;
    private readonly ConcurrentQueue<string> _output;
    private int _disposed;

    private ServerProcess(Process process, string dataDirectory, ConcurrentQueue<string> output, string baseUrl, string secretKey)
    {
        _process = process;
        _dataDirectory = dataDirectory;
        _output = output;
        BaseUrl = baseUrl;
        Backend = new HttpClient { BaseAddress = new Uri(baseUrl) };
        Backend.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", secretKey);
    }

    public string BaseUrl { get; }

    /// <summary>Authenticated with the dev secret key.</summary>
    public HttpClient Backend { get; }

    /// <summary>Every line the process wrote to its standard output so far.</summary>
    public IReadOnlyList<string> Output => _output.ToArray();

    /// <summary>The server built beside the tests, run with <c>dotnet</c>.</summary>
    public static Task<ServerProcess> StartBuiltAsync(IReadOnlyDictionary<string, string> environment) =>
        StartAsync("dotnet", [Path.Combine(AppContext.BaseDirectory, "Latchkey.Server.dll")], environment);

    public static async Task<ServerProcess> StartAsync(string fileName, string[] arguments, IReadOnlyDictionary<string, string> environment)
    {
        var dataDirectory = Directory.CreateTempSubdirectory("latchkey-process-").FullName;
        var port = FreePort();
        var secretKey = KeyFormats.NewSecretKey();
        var start = new ProcessStartInfo(fileName)
        {
            WorkingDirectory = dataDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        start.Environment["ASPNETCORE_ENVIRONMENT"] = "Production";
        start.Environment["LATCHKEY_PORT"] = port.ToString(System.Globalization.CultureInfo.InvariantCulture);
        start.Environment["LATCHKEY_BIND"] = "127.0.0.1";
        start.Environment["LATCHKEY_DATA_DIR"] = Path.Combine(dataDirectory, "data");
        start.Environment["LATCHKEY_SECRET_KEY_DEV"] = secretKey;
        start.Environment["LATCHKEY_ADMIN_PASSWORD"] = "a long enough dashboard password";
        start.Environment["LATCHKEY_OUTBOUND_ALLOW"] = "127.0.0.1/32";
        foreach (var (name, value) in environment)
        {
            start.Environment[name] = value;
        }

        var output = new ConcurrentQueue<string>();
        var process = new Process { StartInfo = start };
        process.OutputDataReceived += (_, line) => { if (line.Data is not null) { output.Enqueue(line.Data); } };
        process.ErrorDataReceived += (_, line) => { if (line.Data is not null) { output.Enqueue("[stderr] " + line.Data); } };
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();

        var server = new ServerProcess(process, dataDirectory, output, $"http://127.0.0.1:{port}", secretKey);
        try
        {
            await server.WaitUntilHealthyAsync();
            return server;
        }
        catch
        {
            await server.DisposeAsync();
            throw;
        }
    }

    private async Task WaitUntilHealthyAsync()
    {
        using var probe = new HttpClient { Timeout = TimeSpan.FromSeconds(2) };
        for (var deadline = DateTime.UtcNow.AddSeconds(60); ; await Task.Delay(100))
        {
            if (_process.HasExited)
            {
                throw new InvalidOperationException($"The server exited with {_process.ExitCode}:\n{string.Join('\n', Output)}");
            }

            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"The server did not answer /health within 60 s:\n{string.Join('\n', Output)}");
            }

            try
            {
                if ((await probe.GetAsync(BaseUrl + "/health")).StatusCode == HttpStatusCode.OK)
                {
                    return;
                }
            }
            catch (Exception exception) when (exception is HttpRequestException or TaskCanceledException)
            {
                // Not listening yet.
            }
        }
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    /// <summary>Stops the server as a container runtime would (SIGTERM, then SIGKILL after 10 s), so it logs its shutdown.</summary>
    public async Task StopAsync()
    {
        if (_process.HasExited)
        {
            return;
        }

        using (var term = Process.Start("kill", ["-TERM", _process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]))
        {
            await term.WaitForExitAsync();
        }

        using var patience = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        try
        {
            await _process.WaitForExitAsync(patience.Token);
        }
        catch (OperationCanceledException)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 1)
        {
            return;
        }

        Backend.Dispose();
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }

        _process.Dispose();
        try
        {
            Directory.Delete(_dataDirectory, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}
