using System.Diagnostics;
using System.Net;
using System.Text.Json.Nodes;
using Dapper;
using Latchkey.Server.Connections;
using Latchkey.Server.Storage;
using Microsoft.Extensions.Options;
using Npgsql;

namespace Latchkey.Server.Tests.ScaleOut;

/// <summary>
/// The connection row cache on PostgreSQL: each instance keeps rows in memory and hears the others' writes through
/// the row-change trigger's NOTIFY. Reads on one instance race writes on another; a read never goes back to a value
/// older than one it has seen, and each write is seen within the notification delay.
/// </summary>
public sealed class SharedCacheTests
{
    private const string OnlyPostgres = "Instances share a cache only on PostgreSQL (set LATCHKEY_TEST_POSTGRES).";
    private const string Key = "fake-oauth2";
    private const string Url = $"/connections/c1?provider_config_key={Key}";

    /// <summary>How long a write on one instance may take to reach another's reads (a NOTIFY is ~1 ms on loopback).</summary>
    private static readonly TimeSpan Delivery = TimeSpan.FromSeconds(2);

    [Fact]
    public async Task ReadsOnB_RacingWritesOnA_SeeEveryWrite_AndNeverGoBack()
    {
        Assert.SkipUnless(TestDatabases.UsesPostgres, OnlyPostgres);
        await using var a = await StartWithConnectionAsync();
        await using var b = await Server.StartAnotherInstanceAsync(a);
        using var stop = new CancellationTokenSource();
        var regressions = 0;

        // Four readers on B keep reading (and re-filling B's cache) while A writes; each checks it never goes back.
        var readers = Enumerable.Range(0, 4).Select(_ => Task.Run(async () =>
        {
            var seen = 0;
            while (!stop.IsCancellationRequested)
            {
                var version = await VersionAsync(b);
                if (version < seen)
                {
                    Interlocked.Increment(ref regressions);
                }

                seen = Math.Max(seen, version);
            }
        })).ToArray();

        for (var version = 1; version <= 40; version++)
        {
            await WriteVersionAsync(a, version);
            Assert.True(await SeenWithinAsync(b, version, Delivery), $"B did not show version {version} within {Delivery}");
        }

        await stop.CancelAsync();
        await Task.WhenAll(readers);
        Assert.Equal(0, regressions);
        Assert.True(b.Services.GetRequiredService<ConnectionCache>().Count > 0, "B should answer from its cache between writes");
    }

    [Fact]
    public async Task AWriteOnTheSameInstance_IsSeenByItsNextRead_WithoutWaitingForTheNotification()
    {
        Assert.SkipUnless(TestDatabases.UsesPostgres, OnlyPostgres);
        await using var a = await StartWithConnectionAsync();
        for (var version = 1; version <= 30; version++)
        {
            await VersionAsync(a); // keeps a copy
            await WriteVersionAsync(a, version);
            Assert.Equal(version, await VersionAsync(a));
        }
    }

    [Fact]
    public async Task AWriteInPlainSql_FromOutsideEveryInstance_ReachesTheCacheThroughTheTrigger()
    {
        Assert.SkipUnless(TestDatabases.UsesPostgres, OnlyPostgres);
        await using var a = await StartWithConnectionAsync();
        await WriteVersionAsync(a, 1);
        Assert.Equal(1, await VersionAsync(a));

        await using (var outside = new NpgsqlConnection(DatabaseOf(a)))
        {
            await outside.ExecuteAsync("UPDATE connections SET metadata = '{\"version\":2}' WHERE connection_id = 'c1'");
        }

        Assert.True(await SeenWithinAsync(a, 2, Delivery), "a write made outside the server did not reach its cache");
    }

    [Fact]
    public async Task WhileTheListenerIsDown_ReadsGoToTheDatabase_AndCopiesFromBeforeTheGapAreDropped()
    {
        Assert.SkipUnless(TestDatabases.UsesPostgres, OnlyPostgres);
        await using var a = await StartWithConnectionAsync();
        await using var b = await Server.StartAnotherInstanceAsync(a);
        await WriteVersionAsync(a, 1);
        Assert.True(await SeenWithinAsync(b, 1, Delivery));
        var status = b.Services.GetRequiredService<ListenerStatus>();
        var listener = b.Services.GetRequiredService<NotificationListener>();

        await KillListenersAsync(a);
        var since = Stopwatch.StartNew();
        while (status.Listening && since.Elapsed < Delivery)
        {
            await Task.Delay(5, Server.Cancellation);
        }

        // A write B cannot hear: B's reads must not come from memory now, nor after it listens again.
        Assert.False(status.Listening, "B did not notice its listener was gone");
        await WriteVersionAsync(a, 2);
        if (!status.Listening)
        {
            Assert.Equal(2, await VersionAsync(b));
        }

        since.Restart();
        while ((listener.Connections < 2 || !status.Listening) && since.Elapsed < ScaleOutFlows.Wait)
        {
            await Task.Delay(20, Server.Cancellation);
        }

        Assert.True(status.Listening, "B's listener did not come back");
        Assert.Equal(2, await VersionAsync(b));
        await WriteVersionAsync(a, 3);
        Assert.True(await SeenWithinAsync(b, 3, Delivery), "B did not hear A after its listener came back");
    }

    private static async Task<TestApp> StartWithConnectionAsync()
    {
        var app = await Server.StartAsync();
        await app.CreateIntegrationAsync(Key, credentials: new { type = "OAUTH2", client_id = FakeProvider.ClientId, client_secret = FakeProvider.ClientSecret, scopes = "read" });
        var imported = await app.Backend.PostAsJsonAsync("/connections", new
        {
            provider_config_key = Key,
            connection_id = "c1",
            credentials = new { type = "OAUTH2", access_token = "at-1", expires_at = "2099-01-01T00:00:00Z" },
        }, Server.Cancellation);
        Assert.True(imported.IsSuccessStatusCode, await imported.Content.ReadAsStringAsync(Server.Cancellation));
        return app;
    }

    private static async Task WriteVersionAsync(TestApp app, int version)
    {
        var written = await app.Backend.PostAsJsonAsync("/connections/metadata", new { connection_id = "c1", provider_config_key = Key, metadata = new { version } }, Server.Cancellation);
        Assert.Equal(HttpStatusCode.Created, written.StatusCode);
    }

    /// <summary>The version in the connection's metadata as the instance answers it; 0 before the first write.</summary>
    private static async Task<int> VersionAsync(TestApp app)
    {
        using var response = await app.Backend.GetAsync(Url, Server.Cancellation);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var body = JsonNode.Parse(await response.Content.ReadAsStringAsync(Server.Cancellation))!;
        return body["metadata"]?["version"]?.GetValue<int>() ?? 0;
    }

    private static async Task<bool> SeenWithinAsync(TestApp app, int version, TimeSpan limit)
    {
        var since = Stopwatch.StartNew();
        while (since.Elapsed < limit)
        {
            if (await VersionAsync(app) >= version)
            {
                return true;
            }

            await Task.Delay(2, Server.Cancellation);
        }

        return false;
    }

    private static string DatabaseOf(TestApp app) =>
        PostgresConnectionString.From(app.Services.GetRequiredService<IOptions<StorageOptions>>().Value.DatabaseUrl!);

    private static async Task KillListenersAsync(TestApp app)
    {
        await using var admin = new NpgsqlConnection(DatabaseOf(app));
        await admin.OpenAsync(Server.Cancellation);
        await using var kill = new NpgsqlCommand(
            "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity WHERE datname = current_database() AND application_name = @name", admin);
        kill.Parameters.AddWithValue("name", NotificationListener.ApplicationName);
        Assert.True((long)(await kill.ExecuteScalarAsync(Server.Cancellation))! >= 1);
    }
}
