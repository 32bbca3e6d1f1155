using System.Data.Common;
using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Json;
using System.Security.Cryptography;
using Latchkey.Server.Connections;
using Latchkey.Server.Vault;
using Microsoft.Data.Sqlite;
using Npgsql;

/// <summary>
/// The read benchmark: one server, seeded with each of <see cref="Settings.Sizes"/> connections in turn, drives
/// GET /health (the ceiling), GET /connections/:id and POST /connect/sessions with wrk, then reports the server's
/// memory at start, its peak and after an idle pause.
/// </summary>
internal static class ReadBench
{
    // The first 1,000 connections go through the import API (POST /connections); beyond that they are written
    // straight into the database in batches, sealed by the server's own codec with the server's key (the API imports
    // ~250/s on this 2-core machine, which would make 100,000 take minutes).
    private const int ApiSeedLimit = 1000;

    public static async Task RunAsync(Settings settings, string dll)
    {
        var postgres = settings.Postgres is null ? null : await LoadDatabase.CreateAsync(settings.Postgres);
        Console.WriteLine($"\n## Reads and session creation\n\nstorage: {(postgres is null ? "SQLite in a fresh folder" : $"PostgreSQL, fresh database {postgres.Name}")}");
        try
        {
            await using var server = BenchServer.Start(dll, postgres?.ConnectionString);
            await server.EnsureHealthyAsync();
            await using var sampler = new MemorySampler(server.Pid);
            var atStart = Memory.Kilobytes(server.Pid, "VmRSS");
            var privateAtStart = Memory.Private(server.Pid);
            Console.WriteLine($"server: pid {server.Pid}, {server.BaseUrl}, data in {server.DataDirectory}; memory after start: {Memory.Read(server.Pid)}");
            await RunSizesAsync(settings, server, postgres);
            await ReportIdleMemoryAsync(settings, server, sampler, atStart, privateAtStart);
        }
        finally
        {
            if (postgres is not null)
            {
                await postgres.DropAsync();
            }
        }
    }

    private static async Task RunSizesAsync(Settings settings, BenchServer server, LoadDatabase? postgres)
    {
        var http = server.Http;
        var created = await http.PostAsJsonAsync("/integrations", new
        {
            provider = "github",
            unique_key = "github",
            credentials = new { type = "OAUTH2", client_id = "load-client", client_secret = "load-secret", scopes = "repo" },
        });
        await BenchServer.EnsureSuccessAsync(created);

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
                           ? new SqliteConnection($"Data Source={Path.Combine(server.DataDirectory, "latchkey.db")};Default Timeout=30")
                           : new NpgsqlConnection(postgres.ConnectionString))
                {
                    SeedDirectly(database, new ConnectionSecrets(new SecretCodec(new KeyRing([server.EncryptionKey], "load benchmark"))), seeded, size);
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

            var environment = new Dictionary<string, string> { ["LK_CONNECTIONS"] = size.ToString(CultureInfo.InvariantCulture), ["LK_SECRET_KEY"] = server.SecretKey };
            // Warm-up (not reported): JIT tiering, connection pools and SQLite's page cache settle before measuring.
            foreach (var script in new string?[] { null, "get-connection.lua", "create-session.lua" })
            {
                Wrk.Run(settings with { Duration = 3 }, script is null ? $"{server.BaseUrl}/health" : $"{server.BaseUrl}/", script is null ? null : Path.Combine(AppContext.BaseDirectory, script), environment, quiet: true);
            }

            if (settings.Hold > 0)
            {
                // For a profiler: the seeded, warmed server stays up; drive it with the same wrk scripts meanwhile.
                Console.WriteLine($"holding for {settings.Hold} s: pid {server.Pid}, {server.BaseUrl}, LK_SECRET_KEY={server.SecretKey} LK_CONNECTIONS={size}");
                await Task.Delay(TimeSpan.FromSeconds(settings.Hold));
            }

            var health = Wrk.Run(settings, $"{server.BaseUrl}/health", null, environment, server.Pid);
            var getConnection = Wrk.Run(settings, $"{server.BaseUrl}/", Path.Combine(AppContext.BaseDirectory, "get-connection.lua"), environment, server.Pid);

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
                    Health: Wrk.Run(third, $"{server.BaseUrl}/health", null, environment, server.Pid),
                    Read: Wrk.Run(third, $"{server.BaseUrl}/", Path.Combine(AppContext.BaseDirectory, "get-connection.lua"), environment, server.Pid)))
                .ToArray();
            var healthAlongside = Wrk.Combine(rounds.Select(round => round.Health));
            var getConnectionWarm = Wrk.Combine(rounds.Select(round => round.Read));
            var createSession = Wrk.Run(settings, $"{server.BaseUrl}/", Path.Combine(AppContext.BaseDirectory, "create-session.lua"), environment, server.Pid);
            var memory = Memory.Read(server.Pid);

            Console.WriteLine($"\n{size:N0} connections stored (peak server memory so far: {memory})");
            Console.WriteLine("| route | requests/s | vs health | p50 | p99 | max | server CPU per request | non-2xx | errors |");
            Console.WriteLine("|---|---:|---:|---:|---:|---:|---:|---:|---:|");
            foreach (var (name, run, ceiling) in new[]
                     {
                         ("GET /health", health, health), ("GET /connections/:id, rows not read before", getConnection, health),
                         ("GET /health, alternating with the next row", healthAlongside, healthAlongside),
                         ("GET /connections/:id, every row read once before", getConnectionWarm, healthAlongside),
                         ("POST /connect/sessions", createSession, health),
                     })
            {
                var line = $"| {name} | {run.RequestsPerSecond:N0} | {run.RequestsPerSecond / ceiling.RequestsPerSecond:P0} | {run.P50} | {run.P99} | {run.Max} | {run.ServerCpuPerRequest:0} µs | {run.Non2xx} | {run.SocketErrors} |";
                Console.WriteLine(line);
            }
        }
    }

    // Memory over time: resident at start (idle), the peak (VmHWM, the kernel's high-water mark, exact) and
    // settings.Idle seconds after the last run, with the idle samples in between.
    private static async Task ReportIdleMemoryAsync(Settings settings, BenchServer server, MemorySampler sampler, long atStart, long privateAtStart)
    {
        var lastRunEnded = sampler.Now;
        await Task.Delay(TimeSpan.FromSeconds(settings.Idle));
        var afterIdle = Memory.Kilobytes(server.Pid, "VmRSS");
        var peak = Math.Max(Memory.Kilobytes(server.Pid, "VmHWM"), sampler.Peak(TimeSpan.Zero));
        Console.WriteLine($"\nserver memory (VmRSS) while idle after the last run: {sampler.Trail(lastRunEnded)}");
        Console.WriteLine("| server memory, read benchmark | resident (VmRSS) | private (RssAnon + RssShmem) |");
        Console.WriteLine("|---|---:|---:|");
        Console.WriteLine($"| at start (idle, first /health answered) | {Memory.MiB(atStart)} | {Memory.MiB(privateAtStart)} |");
        Console.WriteLine($"| peak (VmHWM; private: sampled every second) | {Memory.MiB(peak)} | {Memory.MiB(sampler.PeakPrivate(TimeSpan.Zero))} |");
        Console.WriteLine($"| {settings.Idle} s after the last run (idle) | {Memory.MiB(afterIdle)} | {Memory.MiB(Memory.Private(server.Pid))} |");
    }

    // GET /connections/conn-1..conn-count once each, 16 requests in flight.
    private static async Task ReadEveryConnectionAsync(HttpClient http, int count)
    {
        var next = 0;
        await Parallel.ForEachAsync(Enumerable.Range(0, 16), async (_, cancellationToken) =>
        {
            int i;
            while ((i = Interlocked.Increment(ref next)) <= count)
            {
                using var response = await http.GetAsync($"/connections/conn-{i}?provider_config_key=github", cancellationToken);
                await BenchServer.EnsureSuccessAsync(response);
            }
        });
    }

    // Imports OAuth 2 connections conn-(from+1)..conn-to, 8 requests in flight: the same path a customer migrating
    // from another platform uses; each one seals its credentials with its own row binding.
    private static async Task SeedAsync(HttpClient http, int from, int to)
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
                await BenchServer.EnsureSuccessAsync(response);
            }
        });
    }

    // Same row shape as ConnectionWriter writes (credentials sealed with the row's uid as associated data).
    private static void SeedDirectly(DbConnection connection, ConnectionSecrets secrets, int from, int to)
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
}
