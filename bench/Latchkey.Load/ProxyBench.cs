using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Security.Cryptography;
using Latchkey.Server.Vault;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

/// <summary>
/// <c>--proxy</c>: the proxy's overhead on loopback. A minimal upstream API runs in this process; wrk calls it
/// directly, then through <c>/proxy/hello</c> of the Release server with an API-key connection whose key the server
/// adds as a header (the catalog way), alternating the two to even out the shared machine's drift. Prints both and
/// the difference: p50/p99 added and the proxied share of the direct throughput.
/// </summary>
internal static class ProxyBench
{
    private const string UpstreamKey = "bench-upstream-key";

    public static async Task RunAsync(Settings settings, string root)
    {
        var upstream = await StartUpstreamAsync();
        var upstreamUrl = upstream.Urls.First();
        var dataDirectory = Directory.CreateTempSubdirectory("latchkey-proxy-load-").FullName;
        var providersFile = Path.Combine(dataDirectory, "providers.yaml");
        await File.WriteAllTextAsync(providersFile, $"""
            bench-upstream:
              display_name: Bench Upstream
              docs: https://docs.example.test/bench
              auth_mode: API_KEY
              proxy:
                base_url: {upstreamUrl}
                headers:
                  x-api-key: ${"{"}apiKey{"}"}
            """);
        var secretKey = "lk_sk_" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(32));
        var baseUrl = $"http://127.0.0.1:{FreePort()}";
        var start = new ProcessStartInfo("dotnet", $"\"{Path.Combine(root, "src/Latchkey.Server/bin/Release/net10.0/Latchkey.Server.dll")}\"")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = dataDirectory,
        };
        start.Environment["ASPNETCORE_URLS"] = baseUrl;
        start.Environment["LATCHKEY_DATA_DIR"] = dataDirectory;
        start.Environment["LATCHKEY_SECRET_KEY_DEV"] = secretKey;
        start.Environment["LATCHKEY_ENCRYPTION_KEY"] = EncryptionKey.Generate().ToBase64();
        start.Environment["LATCHKEY_PROVIDERS_FILE"] = providersFile;
        start.Environment["LATCHKEY_OUTBOUND_ALLOW"] = "127.0.0.1/32";
        start.Environment["Logging__LogLevel__Default"] = "Warning";
        // The per-environment API limit (60,000/min by default) would answer 429 after the first rounds: off here.
        start.Environment["LATCHKEY_RATE_LIMIT_API"] = "0";
        using var server = Process.Start(start)!;
        server.OutputDataReceived += (_, _) => { };
        server.ErrorDataReceived += (_, e) => { if (e.Data is not null) { Console.Error.WriteLine($"[server] {e.Data}"); } };
        server.BeginOutputReadLine();
        server.BeginErrorReadLine();
        try
        {
            using var http = new HttpClient { BaseAddress = new Uri(baseUrl) };
            http.DefaultRequestHeaders.Authorization = new("Bearer", secretKey);
            await WaitForHealthAsync(http);
            await EnsureAsync(await http.PostAsJsonAsync("/integrations", new { provider = "bench-upstream", unique_key = "bench" }));
            await EnsureAsync(await http.PostAsJsonAsync("/connections", new
            {
                provider_config_key = "bench", connection_id = "bench-1", credentials = new { type = "API_KEY", apiKey = UpstreamKey },
            }));

            var direct = new Dictionary<string, string> { ["x-api-key"] = UpstreamKey };
            var proxied = new Dictionary<string, string> { ["Authorization"] = $"Bearer {secretKey}", ["Connection-Id"] = "bench-1", ["Provider-Config-Key"] = "bench" };
            var third = settings with { Duration = Math.Max(3, settings.Duration / 3) };

            // Warm-up: JIT, the connection pool, the server's read cache.
            Wrk.Run(third with { Duration = 3 }, $"{upstreamUrl}/hello", null, Headers(direct), quiet: true);
            Wrk.Run(third with { Duration = 3 }, $"{baseUrl}/proxy/hello", null, Headers(proxied), quiet: true);
            var directRuns = new List<Wrk>();
            var proxiedRuns = new List<Wrk>();
            for (var round = 0; round < 3; round++)
            {
                directRuns.Add(Wrk.Run(third, $"{upstreamUrl}/hello", Path.Combine(AppContext.BaseDirectory, "headers.lua"), Headers(direct), quiet: round > 0));
                proxiedRuns.Add(Wrk.Run(third, $"{baseUrl}/proxy/hello", Path.Combine(AppContext.BaseDirectory, "headers.lua"), Headers(proxied), server.Id, quiet: round > 0));
            }

            Report(Wrk.Combine(directRuns), Wrk.Combine(proxiedRuns), directRuns, proxiedRuns);
            Console.WriteLine($"load average after: {MachineInfo.LoadAverage()}; server memory: {Memory.Read(server.Id)}");
        }
        finally
        {
            server.Kill();
            await server.WaitForExitAsync();
            await upstream.StopAsync();
            Directory.Delete(dataDirectory, recursive: true);
        }
    }

    // The headers reach wrk's Lua script as LK_HEADERS ("name: value" lines), since wrk -H cannot be set per run here.
    private static Dictionary<string, string> Headers(Dictionary<string, string> headers) =>
        new() { ["LK_HEADERS"] = string.Join('\n', headers.Select(pair => $"{pair.Key}: {pair.Value}")) };

    private static void Report(Wrk direct, Wrk proxied, List<Wrk> directRuns, List<Wrk> proxiedRuns)
    {
        Console.WriteLine("\n| Route | Requests/s | p50 | p99 | Non-2xx | Socket errors |");
        Console.WriteLine("|---|---:|---:|---:|---:|---|");
        Console.WriteLine($"| upstream directly | {direct.RequestsPerSecond:N0} | {direct.P50} | {direct.P99} | {direct.Non2xx} | {direct.SocketErrors} |");
        Console.WriteLine($"| through /proxy | {proxied.RequestsPerSecond:N0} | {proxied.P50} | {proxied.P99} | {proxied.Non2xx} | {proxied.SocketErrors} |");
        Console.WriteLine($"\nper round (direct / proxy, req/s): {string.Join("; ", directRuns.Zip(proxiedRuns, (d, p) => $"{d.RequestsPerSecond:N0} / {p.RequestsPerSecond:N0} (p50 {d.P50} / {p.P50}, p99 {d.P99} / {p.P99})"))}");
        Console.WriteLine($"proxied throughput: {proxied.RequestsPerSecond / direct.RequestsPerSecond:P0} of direct; server CPU per proxied request: {proxied.ServerCpuPerRequest:N0} µs");
    }

    private static async Task<WebApplication> StartUpstreamAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.ConfigureKestrel(kestrel => kestrel.Listen(IPAddress.Loopback, 0));
        builder.Logging.ClearProviders();
        var app = builder.Build();
        var body = """{"id":42,"name":"Ada","ok":true}"""u8.ToArray();
        app.MapGet("/hello", (HttpContext context) => context.Request.Headers["x-api-key"] == UpstreamKey
            ? Results.Bytes(body, "application/json")
            : Results.StatusCode(401));
        await app.StartAsync();
        return app;
    }

    private static int FreePort()
    {
        using var listener = new System.Net.Sockets.TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private static async Task WaitForHealthAsync(HttpClient http)
    {
        for (var attempt = 0; attempt < 120; attempt++)
        {
            try
            {
                if ((await http.GetAsync("/health")).StatusCode == HttpStatusCode.OK)
                {
                    return;
                }
            }
            catch (HttpRequestException)
            {
            }

            await Task.Delay(250);
        }

        throw new TimeoutException("The server did not become healthy within 30 s.");
    }

    private static async Task EnsureAsync(HttpResponseMessage response)
    {
        if (!response.IsSuccessStatusCode)
        {
            throw new InvalidOperationException($"{(int)response.StatusCode} {response.RequestMessage?.RequestUri}: {await response.Content.ReadAsStringAsync()}");
        }
    }
}
