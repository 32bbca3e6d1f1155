using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using Latchkey.Server.Vault;

/// <summary>
/// The Release server as a child process on 127.0.0.1: its own port, secret key, encryption key and data folder
/// (SQLite), or a PostgreSQL database URL. Logs at Warning, the API rate limit off (it would cap a 30,000 req/s run).
/// Disposing kills it and deletes the data folder it created.
/// </summary>
internal sealed class BenchServer : IAsyncDisposable
{
    private readonly bool _ownsDataDirectory;

    private BenchServer(Process process, string baseUrl, string secretKey, EncryptionKey encryptionKey, string dataDirectory, bool ownsDataDirectory)
    {
        Process = process;
        BaseUrl = baseUrl;
        SecretKey = secretKey;
        EncryptionKey = encryptionKey;
        DataDirectory = dataDirectory;
        _ownsDataDirectory = ownsDataDirectory;
        Http = new HttpClient { BaseAddress = new Uri(baseUrl), Timeout = TimeSpan.FromSeconds(30) };
        Http.DefaultRequestHeaders.Authorization = new("Bearer", secretKey);
    }

    public Process Process { get; }

    public int Pid => Process.Id;

    public string BaseUrl { get; }

    public string SecretKey { get; }

    public EncryptionKey EncryptionKey { get; }

    public string DataDirectory { get; }

    /// <summary>Authenticated with the secret key.</summary>
    public HttpClient Http { get; }

    /// <summary>The server build the benchmark makes (<c>dotnet build -c Release</c>).</summary>
    public static string ReleaseDll(string root) => Path.Combine(root, "src/Latchkey.Server/bin/Release/net10.0/Latchkey.Server.dll");

    /// <summary>Starts the server without waiting for it. <paramref name="dataDirectory"/> null: a fresh folder, deleted on dispose.</summary>
    /// <param name="dll">The server's Latchkey.Server.dll, or a published executable.</param>
    /// <param name="databaseUrl">A PostgreSQL URL, or null for SQLite in the data folder.</param>
    /// <param name="dataDirectory">An existing data folder to start on (kept on dispose), or null.</param>
    /// <param name="environment">Further environment variables (providers file, cache size).</param>
    /// <param name="keys">The secret and encryption keys of an earlier start on the same data folder, or null for new ones.</param>
    public static BenchServer Start(string dll, string? databaseUrl = null, string? dataDirectory = null,
        IReadOnlyDictionary<string, string>? environment = null, (string SecretKey, EncryptionKey EncryptionKey)? keys = null)
    {
        var ownsDataDirectory = dataDirectory is null;
        dataDirectory ??= Directory.CreateTempSubdirectory("latchkey-load-").FullName;
        var secretKey = keys?.SecretKey ?? "lk_sk_" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(32));
        var encryptionKey = keys?.EncryptionKey ?? EncryptionKey.Generate();
        var baseUrl = $"http://127.0.0.1:{FreePort()}";

        // Started from its data folder, not the repository: the server must not depend on its working directory.
        var start = Command(dll);
        start.RedirectStandardOutput = true;
        start.RedirectStandardError = true;
        start.WorkingDirectory = dataDirectory;
        start.Environment["ASPNETCORE_URLS"] = baseUrl;
        start.Environment["ASPNETCORE_ENVIRONMENT"] = "Production";
        start.Environment["LATCHKEY_DATA_DIR"] = dataDirectory;
        start.Environment["LATCHKEY_SECRET_KEY_DEV"] = secretKey;
        start.Environment["LATCHKEY_ENCRYPTION_KEY"] = encryptionKey.ToBase64();
        start.Environment["Logging__LogLevel__Default"] = "Warning";
        // The per-environment API limit (LATCHKEY_RATE_LIMIT_API, 60,000/min by default) would cap a 30,000 req/s run: off here.
        start.Environment["LATCHKEY_RATE_LIMIT_API"] = "0";
        if (databaseUrl is not null)
        {
            start.Environment["LATCHKEY_DATABASE_URL"] = databaseUrl;
        }

        foreach (var (name, value) in environment ?? new Dictionary<string, string>())
        {
            start.Environment[name] = value;
        }

        var process = Process.Start(start) ?? throw new InvalidOperationException("Could not start the server (dotnet not found?).");
        process.OutputDataReceived += (_, _) => { };
        process.ErrorDataReceived += (_, e) => { if (e.Data is not null) { Console.Error.WriteLine($"[server] {e.Data}"); } };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return new BenchServer(process, baseUrl, secretKey, encryptionKey, dataDirectory, ownsDataDirectory);
    }

    /// <summary><c>dotnet Latchkey.Server.dll</c>, or a published executable (scripts/publish.sh's single file) run as it is.</summary>
    private static ProcessStartInfo Command(string server) => server.EndsWith(".dll", StringComparison.OrdinalIgnoreCase)
        ? new ProcessStartInfo("dotnet", $"\"{server}\"")
        : new ProcessStartInfo(server);

    /// <summary>Polls GET /health until it answers 200; returns false if the process exits or <paramref name="timeout"/> passes first.</summary>
    public async Task<bool> WaitForHealthAsync(TimeSpan timeout, TimeSpan interval)
    {
        // A short per-try timeout: a try must not outlast the polling interval by much while the port is not yet open.
        using var probe = new HttpClient(new SocketsHttpHandler { ConnectTimeout = TimeSpan.FromSeconds(1) }) { BaseAddress = new Uri(BaseUrl), Timeout = TimeSpan.FromSeconds(2) };
        var watch = Stopwatch.StartNew();
        while (watch.Elapsed < timeout && !Process.HasExited)
        {
            try
            {
                using var response = await probe.GetAsync("/health");
                if (response.StatusCode == HttpStatusCode.OK)
                {
                    return true;
                }
            }
            catch (Exception exception) when (exception is HttpRequestException or TaskCanceledException)
            {
            }

            await Task.Delay(interval);
        }

        return false;
    }

    /// <summary>Waits for a healthy server (30 s at most) or throws.</summary>
    public async Task EnsureHealthyAsync()
    {
        if (!await WaitForHealthAsync(TimeSpan.FromSeconds(30), TimeSpan.FromMilliseconds(250)))
        {
            throw new TimeoutException($"The server at {BaseUrl} did not become healthy within 30 s{(Process.HasExited ? $" (it exited with code {Process.ExitCode})" : "")}.");
        }
    }

    /// <summary>Asks the server to stop (SIGTERM) as an operator would, and waits up to 15 s before killing it.</summary>
    public async Task StopAsync()
    {
        if (Process.HasExited)
        {
            return;
        }

        using (var kill = Process.Start(new ProcessStartInfo("kill", $"-TERM {Process.Id}")))
        {
            await kill!.WaitForExitAsync();
        }

        using var waited = new CancellationTokenSource(TimeSpan.FromSeconds(15));
        try
        {
            await Process.WaitForExitAsync(waited.Token);
        }
        catch (OperationCanceledException)
        {
            Process.Kill(entireProcessTree: true);
            await Process.WaitForExitAsync();
        }
    }

    public async ValueTask DisposeAsync()
    {
        Http.Dispose();
        if (!Process.HasExited)
        {
            Process.Kill(entireProcessTree: true);
            await Process.WaitForExitAsync();
        }

        Process.Dispose();
        if (_ownsDataDirectory)
        {
            try
            {
                Directory.Delete(DataDirectory, recursive: true);
            }
            catch (IOException)
            {
            }
        }
    }

    /// <summary>Throws with the status, URL and body when a setup request of the benchmark fails.</summary>
    public static async Task EnsureSuccessAsync(HttpResponseMessage response)
    {
        if (!response.IsSuccessStatusCode)
        {
            throw new InvalidOperationException($"{(int)response.StatusCode} {response.RequestMessage?.RequestUri}: {await response.Content.ReadAsStringAsync()}");
        }
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
