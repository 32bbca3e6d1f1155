using System.Net.Http.Headers;
using System.Security.Cryptography;
using BenchmarkDotNet.Attributes;
using Dapper;
using Latchkey.Server;
using Latchkey.Server.Connections;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Data.Sqlite;

namespace Latchkey.Benchmarks;

/// <summary>
/// The database read behind <c>GET /connections/:id</c> when the row is not in memory: the store's lookup (a statement
/// kept prepared on a leased connection, <c>Storage/PreparedReads.cs</c>) next to the same SQL prepared by hand on one
/// open connection, the floor that leasing and Dapper's mapping add to. 1,000 imported connections.
/// </summary>
[MemoryDiagnoser]
#pragma warning disable CA1001 // disposed in [GlobalCleanup], BenchmarkDotNet's lifecycle
public class ConnectionLookupBenchmarks
{
    private WebApplication _app = null!;
    private ConnectionStore _store = null!;
    private SqliteConnection _connection = null!;
    private SqliteCommand _prepared = null!;
    private Func<System.Data.Common.DbDataReader, StoredConnection> _parser = null!;
    private long _environmentId;
    private int _next;

    [GlobalSetup]
    public async Task SetupAsync()
    {
        var dataDirectory = Directory.CreateTempSubdirectory("latchkey-bench-").FullName;
        var secretKey = "lk_sk_" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(32));
        _app = LatchkeyServer.Build([], builder =>
        {
            builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
            {
                ["LATCHKEY_DATA_DIR"] = dataDirectory,
                ["LATCHKEY_SECRET_KEY_DEV"] = secretKey,
            });
            builder.WebHost.UseUrls("http://127.0.0.1:0");
            builder.Logging.ClearProviders();
        });
        await _app.StartAsync();
        var url = _app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        using var http = new HttpClient { BaseAddress = new Uri(url) };
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", secretKey);
        (await http.PostAsJsonAsync("/integrations", new { provider = "github", unique_key = "github", credentials = new { type = "OAUTH2", client_id = "a", client_secret = "b" } })).EnsureSuccessStatusCode();
        for (var i = 1; i <= 1000; i++)
        {
            (await http.PostAsJsonAsync("/connections", new
            {
                provider_config_key = "github",
                connection_id = $"conn-{i}",
                credentials = new { type = "OAUTH2", access_token = $"gho_{i}", expires_at = "2099-01-01T00:00:00Z", raw = new { scope = "repo" } },
            })).EnsureSuccessStatusCode();
        }

        _store = _app.Services.GetRequiredService<ConnectionStore>();
        _connection = new SqliteConnection($"Data Source={Path.Combine(dataDirectory, "latchkey.db")}");
        await _connection.OpenAsync();
        _environmentId = await _connection.ExecuteScalarAsync<long>("SELECT environment_id FROM integrations WHERE unique_key = 'github'");
        _prepared = _connection.CreateCommand();
        _prepared.CommandText = $"{ConnectionStore.SelectColumns} WHERE c.environment_id = @environmentId AND i.unique_key = @integrationKey AND c.connection_id = @connectionId AND c.deleted_at IS NULL";
        _prepared.Parameters.Add(new SqliteParameter("@environmentId", _environmentId));
        _prepared.Parameters.Add(new SqliteParameter("@integrationKey", "github"));
        _prepared.Parameters.Add(new SqliteParameter("@connectionId", "conn-1"));
        _prepared.Prepare();
        await using var reader = await _prepared.ExecuteReaderAsync();
        _parser = reader.GetRowParser<StoredConnection>();
    }

    [GlobalCleanup]
    public async Task CleanupAsync()
    {
        await _prepared.DisposeAsync();
        await _connection.DisposeAsync();
        await _app.DisposeAsync();
    }

#pragma warning restore CA1001

    private string NextId() => $"conn-{(_next++ % 1000) + 1}";

    [Benchmark(Baseline = true)]
    public Task<StoredConnection?> Store() => _store.FindAsync(_environmentId, "github", NextId(), CancellationToken.None);

    [Benchmark]
    public async Task<StoredConnection?> PreparedStatementReused()
    {
        _prepared.Parameters[2].Value = NextId();
        await using var reader = await _prepared.ExecuteReaderAsync();
        return await reader.ReadAsync() ? _parser(reader) : null;
    }
}
