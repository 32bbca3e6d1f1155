using System.Net.Http.Json;

/// <summary>
/// <c>--mixed</c>: a fresh server under <see cref="Settings.MixedConnections"/> clients (200) that create connect
/// sessions and import API_KEY and OAUTH2 connections (mixed-writes.lua) for <see cref="Settings.MixedDuration"/>
/// seconds. Reports requests/s, p50/p99/max and non-2xx, and the server's memory at the start of the test, its peak
/// during it and <see cref="Settings.Idle"/> seconds after it ended, sampled every second.
/// </summary>
internal static class MixedBench
{
    // An API_KEY provider without verification endpoints: an import of one is saved as given, with no call out of
    // 127.0.0.1 (catalog API_KEY providers verify a key against their API first).
    private const string ProvidersYaml = """
        bench-api-key:
          display_name: Bench API Key
          docs: https://docs.example.test/bench
          auth_mode: API_KEY
          proxy:
            base_url: https://api.example.test
            headers:
              authorization: Bearer ${apiKey}
        """;

    public static async Task RunAsync(Settings settings, string dll)
    {
        var postgres = settings.Postgres is null ? null : await LoadDatabase.CreateAsync(settings.Postgres);
        var providers = Directory.CreateTempSubdirectory("latchkey-mixed-providers-");
        var providersFile = Path.Combine(providers.FullName, "providers.yaml");
        await File.WriteAllTextAsync(providersFile, ProvidersYaml);
        var threads = Environment.ProcessorCount;
        Console.WriteLine($"\n## {settings.MixedConnections} clients creating connect sessions and connections\n");
        Console.WriteLine($"fresh server, {(postgres is null ? "SQLite" : $"PostgreSQL database {postgres.Name}")}; wrk -t{threads} -c{settings.MixedConnections} " +
            $"-d{settings.MixedDuration}s: POST /connect/sessions alternating with POST /connections (API_KEY, then OAUTH2 imports, unique ids)");
        try
        {
            await using var server = BenchServer.Start(dll, postgres?.ConnectionString, environment: new Dictionary<string, string> { ["LATCHKEY_PROVIDERS_FILE"] = providersFile });
            await server.EnsureHealthyAsync();
            await CreateIntegrationsAsync(server.Http);
            var script = Path.Combine(AppContext.BaseDirectory, "mixed-writes.lua");
            var mixed = new Settings { Threads = threads, Connections = settings.MixedConnections, Duration = settings.MixedDuration };

            // Warm-up (not reported): JIT and pools settle; it must be all 2xx, or the script or the server is wrong.
            var warmUp = Wrk.Run(settings with { Duration = 3 }, $"{server.BaseUrl}/", script, ScriptEnvironment(server, "warmup"), quiet: true);
            if (warmUp.Non2xx > 0)
            {
                throw new InvalidOperationException($"The mixed warm-up got {warmUp.Non2xx} non-2xx answers; run mixed-writes.lua by hand against the server to see them.");
            }

            await using var sampler = new MemorySampler(server.Pid);
            var atStart = Memory.Kilobytes(server.Pid, "VmRSS");
            var privateAtStart = Memory.Private(server.Pid);
            var peakReset = Memory.ResetPeak(server.Pid);
            var started = sampler.Now;
            var run = Wrk.Run(mixed, $"{server.BaseUrl}/", script, ScriptEnvironment(server, "measured"), server.Pid);
            var ended = sampler.Now;
            var peak = Math.Max(sampler.Peak(started, ended), peakReset ? Memory.Kilobytes(server.Pid, "VmHWM") : -1);
            await Task.Delay(TimeSpan.FromSeconds(settings.Idle));
            var afterIdle = Memory.Kilobytes(server.Pid, "VmRSS");
            var privateAfterIdle = Memory.Private(server.Pid);

            Console.WriteLine($"\nserver memory (VmRSS) from the start of the test (it ran {settings.MixedDuration} s, then idle): {sampler.Trail(started, step: 10)}\n");
            Console.WriteLine($"| {settings.MixedConnections} clients, mixed writes, {settings.MixedDuration} s | requests/s | p50 | p99 | max | server CPU per request | non-2xx | errors |");
            Console.WriteLine("|---|---:|---:|---:|---:|---:|---:|---:|");
            Console.WriteLine($"| POST /connect/sessions and POST /connections, alternating | {run.RequestsPerSecond:N0} | {run.P50} | {run.P99} | {run.Max} | {run.ServerCpuPerRequest:0} µs | {run.Non2xx} | {run.SocketErrors} |");
            Console.WriteLine();
            Console.WriteLine("| server memory, mixed test | resident (VmRSS) | private (RssAnon + RssShmem) |");
            Console.WriteLine("|---|---:|---:|");
            Console.WriteLine($"| at the start of the test | {Memory.MiB(atStart)} | {Memory.MiB(privateAtStart)} |");
            Console.WriteLine($"| peak during the test ({(peakReset ? "VmHWM reset at the start" : "sampled every second")}; private: sampled) | {Memory.MiB(peak)} | {Memory.MiB(sampler.PeakPrivate(started, ended))} |");
            var back = afterIdle <= atStart * 1.1;
            Console.WriteLine($"| {settings.Idle} s after the test ended | {Memory.MiB(afterIdle)} ({(back ? "within" : "not within")} 10 % of the start: {(afterIdle - atStart) * 100.0 / atStart:+0;-0} %) | {Memory.MiB(privateAfterIdle)} |");

            // After the memory figures (listing thousands of connections costs memory): every import made its own
            // connection, so about half the completed requests (plus those in flight at the end) must be stored.
            var imported = await CountConnectionsAsync(server.Http, "mixed-measured-");
            Console.WriteLine($"\nconnections stored by the measured run: {imported:N0} (completed requests: {run.Requests:N0}, half of them imports)");
            if (imported < run.Requests / 2 * 0.95)
            {
                throw new InvalidOperationException("Fewer connections stored than imports made: connection ids repeated (mixed-writes.lua).");
            }
        }
        finally
        {
            providers.Delete(recursive: true);
            if (postgres is not null)
            {
                await postgres.DropAsync();
            }
        }
    }

    private static async Task CreateIntegrationsAsync(HttpClient http)
    {
        await BenchServer.EnsureSuccessAsync(await http.PostAsJsonAsync("/integrations", new
        {
            provider = "github",
            unique_key = "github",
            credentials = new { type = "OAUTH2", client_id = "load-client", client_secret = "load-secret", scopes = "repo" },
        }));
        await BenchServer.EnsureSuccessAsync(await http.PostAsJsonAsync("/integrations", new { provider = "bench-api-key", unique_key = "bench-api-key" }));
    }

    private static async Task<int> CountConnectionsAsync(HttpClient http, string prefix)
    {
        const int Page = 2000;
        var count = 0;
        for (var page = 0; ; page++)
        {
            var listed = await http.GetFromJsonAsync<System.Text.Json.Nodes.JsonObject>($"/connections?search={prefix}&limit={Page}&page={page}");
            var connections = listed?["connections"]?.AsArray().Count ?? 0;
            count += connections;
            if (connections < Page)
            {
                return count;
            }
        }
    }

    // LK_RUN keeps the warm-up's connection ids apart from the measured run's.
    private static Dictionary<string, string> ScriptEnvironment(BenchServer server, string run) =>
        new() { ["LK_SECRET_KEY"] = server.SecretKey, ["LK_RUN"] = run };
}
