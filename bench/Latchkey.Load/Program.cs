using System.Data.Common;
using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Net.Sockets;
using System.Security.Cryptography;
using Latchkey.Server.Connections;
using Latchkey.Server.Vault;
using Microsoft.Data.Sqlite;
using Npgsql;

// Loopback load benchmark (bench/README.md): builds and starts the Release server on 127.0.0.1 with a fresh data
// folder, seeds connections through the import API, then drives GET /health (the ceiling), GET /connections/:id and
// POST /connect/sessions with wrk, bounded in time, and prints requests/s, p50/p99 and the server's peak memory.
// The first 1,000 connections go through the import API (POST /connections); beyond that they are written straight
// into the SQLite file in batches, sealed by the server's own codec with the server's key (the API imports ~250/s
// on this 2-core machine, which would make 100,000 take minutes).
// Usage: dotnet run -c Release --project bench/Latchkey.Load [-- --sizes 1000,100000 --duration 10 --threads 2 --connections 32]
// --postgres URL runs the server on PostgreSQL instead of SQLite: a fresh database is created with the URL's role
// (which must be allowed to create databases), seeded the same way, and dropped at the end.
// --proxy measures the proxy instead (ProxyBench.cs): direct vs /proxy against a local upstream, same wrk settings.
// --hold N keeps the seeded, warmed server up for N seconds before measuring, for a profiler (dotnet-trace).

var settings = Settings.Parse(args);
var root = Settings.FindRepositoryRoot();
if (args.Contains("--proxy"))
{
    // --proxy: the proxy's added latency and throughput against a local upstream (ProxyBench).
    Console.WriteLine($"Latchkey proxy benchmark — {DateTime.UtcNow:yyyy-MM-dd HH:mm} UTC; machine: {Environment.ProcessorCount} cores, {MachineInfo.CpuModel()}; load average before: {MachineInfo.LoadAverage()}");
    Run("dotnet", $"build \"{Path.Combine(root, "src/Latchkey.Server")}\" -c Release -nologo -v q -clp:ErrorsOnly", root);
    await ProxyBench.RunAsync(settings, root);
    return 0;
}

Console.WriteLine($"Latchkey load benchmark — {DateTime.UtcNow:yyyy-MM-dd HH:mm} UTC");
Console.WriteLine($"machine: {Environment.ProcessorCount} cores, {MachineInfo.CpuModel()}, {MachineInfo.MemoryGiB()} GiB; load average before start: {MachineInfo.LoadAverage()}");
Console.WriteLine($"wrk: {settings.Threads} threads, {settings.Connections} connections, {settings.Duration} s per run, --latency");

Run("dotnet", $"build \"{Path.Combine(root, "src/Latchkey.Server")}\" -c Release -nologo -v q -clp:ErrorsOnly", root);
var dll = Path.Combine(root, "src/Latchkey.Server/bin/Release/net10.0/Latchkey.Server.dll");
var dataDirectory = Directory.CreateTempSubdirectory("latchkey-load-").FullName;
var encryptionKey = EncryptionKey.Generate();
var codec = new SecretCodec(new KeyRing([encryptionKey], "load benchmark"));
var secretKey = "lk_sk_" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(32));
var port = FreePort();
var baseUrl = $"http://127.0.0.1:{port}";
var postgres = settings.Postgres is null ? null : await LoadDatabase.CreateAsync(settings.Postgres);
Console.WriteLine($"storage: {(postgres is null ? "SQLite in a fresh folder" : $"PostgreSQL, fresh database {postgres.Name}")}");

var start = new ProcessStartInfo("dotnet", $"\"{dll}\"") { RedirectStandardOutput = true, RedirectStandardError = true, WorkingDirectory = dataDirectory };
start.Environment["ASPNETCORE_URLS"] = baseUrl;
start.Environment["ASPNETCORE_ENVIRONMENT"] = "Production";
start.Environment["LATCHKEY_DATA_DIR"] = dataDirectory;
start.Environment["LATCHKEY_SECRET_KEY_DEV"] = secretKey;
start.Environment["LATCHKEY_ENCRYPTION_KEY"] = encryptionKey.ToBase64();
start.Environment["Logging__LogLevel__Default"] = "Warning";
// The per-environment API limit (LATCHKEY_RATE_LIMIT_API, 60,000/min by default) would cap a 30,000 req/s run: off here.
start.Environment["LATCHKEY_RATE_LIMIT_API"] = "0";
if (postgres is not null)
{
    start.Environment["LATCHKEY_DATABASE_URL"] = postgres.ConnectionString;
}
using var server = Process.Start(start)!;
server.OutputDataReceived += (_, _) => { };
server.ErrorDataReceived += (_, e) => { if (e.Data is not null) { Console.Error.WriteLine($"[server] {e.Data}"); } };
server.BeginOutputReadLine();
server.BeginErrorReadLine();

const int ApiSeedLimit = 1000;
try
{
    using var http = new HttpClient { BaseAddress = new Uri(baseUrl), Timeout = TimeSpan.FromSeconds(30) };
    http.DefaultRequestHeaders.Authorization = new("Bearer", secretKey);
    await WaitForHealthAsync(http);
    Console.WriteLine($"server: pid {server.Id}, {baseUrl}, data in {dataDirectory}; memory after start: {Memory.Read(server.Id)}");

    var created = await http.PostAsJsonAsync("/integrations", new
    {
        provider = "github",
        unique_key = "github",
        credentials = new { type = "OAUTH2", client_id = "load-client", client_secret = "load-secret", scopes = "repo" },
    });
    await EnsureAsync(created);

    var seeded = 0;
    foreach (var size in settings.Sizes)
    {
        var watch = Stopwatch.StartNew();
        var viaApi = Math.Min(size, ApiSeedLimit);
        if (seeded < viaApi)
        {
            await SeedAsync(http, seeded, viaApi);
            Console.WriteLine($"\nseeded connections {seeded + 1}..{viaApi} through POST /connections in {watch.Elapsed.TotalSeconds:0.0} s ({(viaApi - seeded) / watch.Elapsed.TotalSeconds:0} /s)");
            seeded = viaApi;
        }

        if (seeded < size)
        {
            watch.Restart();
            using (DbConnection database = postgres is null
                       ? new SqliteConnection($"Data Source={Path.Combine(dataDirectory, "latchkey.db")};Default Timeout=30")
                       : new NpgsqlConnection(postgres.ConnectionString))
            {
                SeedDirectly(database, new ConnectionSecrets(codec), seeded, size);
                if (postgres is not null)
                {
                    // A bulk load outpaces autovacuum's statistics (it analyzes within a minute or so); without them
                    // the planner would still plan for the 1,000 rows it last saw.
                    using var analyze = database.CreateCommand();
                    analyze.CommandText = "ANALYZE";
                    analyze.ExecuteNonQuery();
                }
            }

            Console.WriteLine($"\nseeded connections {seeded + 1}..{size} directly in the database in {watch.Elapsed.TotalSeconds:0.0} s");
            seeded = size;
        }

        // A sanity read: the route must answer 200 with opened credentials before it is measured.
        var probe = await http.GetFromJsonAsync<System.Text.Json.Nodes.JsonObject>($"/connections/conn-{size}?provider_config_key=github");
        if (probe?["credentials"]?["access_token"] is null)
        {
            throw new InvalidOperationException("GET /connections/:id did not return credentials.");
        }

        var environment = new Dictionary<string, string> { ["LK_CONNECTIONS"] = size.ToString(CultureInfo.InvariantCulture), ["LK_SECRET_KEY"] = secretKey };
        // Warm-up (not reported): JIT tiering, connection pools and SQLite's page cache settle before measuring.
        foreach (var script in new string?[] { null, "get-connection.lua", "create-session.lua" })
        {
            Wrk.Run(settings with { Duration = 3 }, script is null ? $"{baseUrl}/health" : $"{baseUrl}/", script is null ? null : Path.Combine(AppContext.BaseDirectory, script), environment, quiet: true);
        }

        if (settings.Hold > 0)
        {
            // For a profiler: the seeded, warmed server stays up; drive it with the same wrk scripts meanwhile.
            Console.WriteLine($"holding for {settings.Hold} s: pid {server.Id}, {baseUrl}, LK_SECRET_KEY={secretKey} LK_CONNECTIONS={size}");
            await Task.Delay(TimeSpan.FromSeconds(settings.Hold));
        }

        var health = Wrk.Run(settings, $"{baseUrl}/health", null, environment, server.Id);
        var getConnection = Wrk.Run(settings, $"{baseUrl}/", Path.Combine(AppContext.BaseDirectory, "get-connection.lua"), environment, server.Id);

        // The server keeps rows it has read in memory (LATCHKEY_CONNECTION_CACHE_SIZE): the run above mostly found
        // rows not read before; after every connection has been read once, the run below measures a server that has
        // been serving these connections for a while.
        var primed = Stopwatch.StartNew();
        await ReadEveryConnectionAsync(http, size);
        Console.WriteLine($"\nread every connection once in {primed.Elapsed.TotalSeconds:0.0} s");

        // This machine's speed drifts from one run to the next (shared host): the warm figure alternates three
        // thirds of health and of the read, so both see the same moments, and compares their sums.
        var rounds = Enumerable.Range(0, 3).Select(_ => settings with { Duration = Math.Max(1, settings.Duration / 3) })
            .Select(third => (
                Health: Wrk.Run(third, $"{baseUrl}/health", null, environment, server.Id),
                Read: Wrk.Run(third, $"{baseUrl}/", Path.Combine(AppContext.BaseDirectory, "get-connection.lua"), environment, server.Id)))
            .ToArray();
        var healthAlongside = Wrk.Combine(rounds.Select(round => round.Health));
        var getConnectionWarm = Wrk.Combine(rounds.Select(round => round.Read));
        var createSession = Wrk.Run(settings, $"{baseUrl}/", Path.Combine(AppContext.BaseDirectory, "create-session.lua"), environment, server.Id);
        var memory = Memory.Read(server.Id);

        Console.WriteLine($"\n{size:N0} connections stored (peak server memory so far: {memory})");
        Console.WriteLine("| route | requests/s | vs health | p50 | p99 | server CPU per request | non-2xx | errors |");
        Console.WriteLine("|---|---:|---:|---:|---:|---:|---:|---:|");
        foreach (var (name, run, ceiling) in new[]
                 {
                     ("GET /health", health, health), ("GET /connections/:id, rows not read before", getConnection, health),
                     ("GET /health, alternating with the next row", healthAlongside, healthAlongside),
                     ("GET /connections/:id, every row read once before", getConnectionWarm, healthAlongside),
                     ("POST /connect/sessions", createSession, health),
                 })
        {
            var line = $"| {name} | {run.RequestsPerSecond:N0} | {run.RequestsPerSecond / ceiling.RequestsPerSecond:P0} | {run.P50} | {run.P99} | {run.ServerCpuPerRequest:0} µs | {run.Non2xx} | {run.SocketErrors} |";
            Console.WriteLine(line);
        }
    }

    Console.WriteLine($"\nload average after: {MachineInfo.LoadAverage()}");
}
finally
{
    server.Kill(entireProcessTree: true);
    await server.WaitForExitAsync();
    if (postgres is not null)
    {
        await postgres.DropAsync();
    }
    try
    {
        Directory.Delete(dataDirectory, recursive: true);
    }
    catch (IOException)
    {
    }
}

return 0;

// Imports OAuth 2 connections conn-(from+1)..conn-to, 8 requests in flight: the same path a customer migrating
// from another platform uses; each one seals its credentials with its own row binding.
// GET /connections/conn-1..conn-count once each, 16 requests in flight.
async Task ReadEveryConnectionAsync(HttpClient http, int count)
{
    var next = 0;
    await Parallel.ForEachAsync(Enumerable.Range(0, 16), async (_, cancellationToken) =>
    {
        int i;
        while ((i = Interlocked.Increment(ref next)) <= count)
        {
            using var response = await http.GetAsync($"/connections/conn-{i}?provider_config_key=github", cancellationToken);
            await EnsureAsync(response);
        }
    });
}

async Task SeedAsync(HttpClient http, int from, int to)
{
    var next = from;
    var expires = DateTimeOffset.UtcNow.AddYears(1).ToString("O", CultureInfo.InvariantCulture);
    await Parallel.ForEachAsync(Enumerable.Range(0, 8), async (_, cancellationToken) =>
    {
        int i;
        while ((i = Interlocked.Increment(ref next)) <= to)
        {
            var response = await http.PostAsJsonAsync("/connections", new
            {
                provider_config_key = "github",
                connection_id = $"conn-{i}",
                end_user = new { id = $"user-{i}", email = $"user{i}@example.com" },
                tags = new { plan = (i % 3 == 0) ? "pro" : "free" },
                credentials = new
                {
                    type = "OAUTH2",
                    access_token = $"gho_{Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(18))}",
                    refresh_token = $"ghr_{Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(30))}",
                    expires_at = expires,
                    raw = new { token_type = "bearer", scope = "repo,user", expires_in = 28800 },
                },
            }, cancellationToken);
            await EnsureAsync(response);
        }
    });
}

// Same row shape as ConnectionWriter writes (credentials sealed with the row's uid as associated data).
static void SeedDirectly(DbConnection connection, ConnectionSecrets secrets, int from, int to)
{
    connection.Open();
    long environmentId, integrationId;
    using (var lookup = connection.CreateCommand())
    {
        lookup.CommandText = "SELECT environment_id, id FROM integrations WHERE unique_key = 'github'";
        using var reader = lookup.ExecuteReader();
        reader.Read();
        (environmentId, integrationId) = (reader.GetInt64(0), reader.GetInt64(1));
    }

    var now = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
    var expires = DateTimeOffset.UtcNow.AddYears(1);
    for (var batchStart = from + 1; batchStart <= to; batchStart += 10_000)
    {
        using var transaction = connection.BeginTransaction();
        using var insert = connection.CreateCommand();
        insert.Transaction = transaction;
        insert.CommandText = """
            INSERT INTO connections (uid, environment_id, integration_id, connection_id, credentials_sealed, credentials_expires_at,
                connection_config, tags, created_at, updated_at)
            VALUES (@uid, @environment, @integration, @connectionId, @sealed, @expiresAt, '{}', @tags, @now, @now)
            """;
        string[] names = ["uid", "environment", "integration", "connectionId", "sealed", "expiresAt", "tags", "now"];
        var parameters = names.Select(name =>
        {
            var parameter = insert.CreateParameter();
            parameter.ParameterName = name;
            insert.Parameters.Add(parameter);
            return parameter;
        }).ToArray();
        for (var i = batchStart; i < batchStart + 10_000 && i <= to; i++)
        {
            var uid = Guid.NewGuid().ToString();
            var accessToken = $"gho_{Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(18))}";
            var credentials = new System.Text.Json.Nodes.JsonObject
            {
                ["type"] = "OAUTH2",
                ["access_token"] = accessToken,
                ["refresh_token"] = $"ghr_{Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(30))}",
                ["expires_at"] = expires.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture),
                ["raw"] = new System.Text.Json.Nodes.JsonObject { ["access_token"] = accessToken, ["token_type"] = "bearer", ["scope"] = "repo,user", ["expires_in"] = 28800 },
            }.ToJsonString();
            parameters[0].Value = uid;
            parameters[1].Value = environmentId;
            parameters[2].Value = integrationId;
            parameters[3].Value = $"conn-{i}";
            parameters[4].Value = secrets.Seal(credentials, environmentId, uid);
            parameters[5].Value = expires.ToUnixTimeMilliseconds();
            parameters[6].Value = $$"""{"plan":"{{(i % 3 == 0 ? "pro" : "free")}}"}""";
            parameters[7].Value = now;
            insert.ExecuteNonQuery();
        }

        transaction.Commit();
    }
}

static async Task EnsureAsync(HttpResponseMessage response)
{
    if (!response.IsSuccessStatusCode)
    {
        throw new InvalidOperationException($"{(int)response.StatusCode} {response.RequestMessage?.RequestUri}: {await response.Content.ReadAsStringAsync()}");
    }
}

static async Task WaitForHealthAsync(HttpClient http)
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

static int FreePort()
{
    using var listener = new TcpListener(IPAddress.Loopback, 0);
    listener.Start();
    return ((IPEndPoint)listener.LocalEndpoint).Port;
}

static void Run(string file, string arguments, string directory)
{
    using var process = Process.Start(new ProcessStartInfo(file, arguments) { WorkingDirectory = directory })!;
    process.WaitForExit();
    if (process.ExitCode != 0)
    {
        throw new InvalidOperationException($"{file} {arguments} failed with exit code {process.ExitCode}.");
    }
}
