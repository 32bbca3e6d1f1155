using System.Net;
using System.Text.Json.Nodes;
using Dapper;
using Latchkey.Server.Connections;
using Latchkey.Server.Storage;
using Microsoft.Extensions.Options;

namespace Latchkey.Server.Tests.Connections;

/// <summary>
/// <c>GET /connections/:id</c> answers from memory on SQLite; every write this process makes, whichever code makes
/// it, must be seen by the next read.
/// </summary>
public sealed class ConnectionCacheTests
{
    private const string Key = "fake-oauth2";

    [Fact]
    public async Task EveryWriteThroughTheApi_IsSeenByTheNextRead()
    {
        await using var app = await StartWithIntegrationAsync();
        await ImportAsync(app, "c1", "at-1");
        var url = $"/connections/c1?provider_config_key={Key}";
        Assert.Equal("at-1", (await ReadAsync(app, url))["credentials"]!["access_token"]!.GetValue<string>());
        Assert.True(app.Services.GetRequiredService<ConnectionCache>().Count > 0, "the first read should be kept in memory");

        await app.Backend.PatchAsJsonAsync(url, new { end_user = new { id = "u-1", display_name = "Ada" }, tags = new { team = "a" } }, Server.Cancellation);
        var patched = await ReadAsync(app, url);
        Assert.Equal("Ada", patched["end_user"]!["display_name"]!.GetValue<string>());
        Assert.Equal("a", patched["tags"]!["team"]!.GetValue<string>());

        await app.Backend.PostAsJsonAsync("/connections/metadata", new { connection_id = "c1", provider_config_key = Key, metadata = new { plan = "pro" } }, Server.Cancellation);
        Assert.Equal("""{"plan":"pro"}""", (await ReadAsync(app, url))["metadata"]!.ToJsonString());

        await ImportAsync(app, "c1", "at-2");
        Assert.Equal("at-2", (await ReadAsync(app, url))["credentials"]!["access_token"]!.GetValue<string>());

        await app.Backend.DeleteAsync(url, Server.Cancellation);
        Assert.Equal(HttpStatusCode.NotFound, (await app.Backend.GetAsync(url, Server.Cancellation)).StatusCode);

        await ImportAsync(app, "c1", "at-3");
        Assert.Equal("at-3", (await ReadAsync(app, url))["credentials"]!["access_token"]!.GetValue<string>());
    }

    [Fact]
    public async Task AnEndUserChangedByAnotherConnection_IsSeenByEveryConnectionOfIt()
    {
        await using var app = await StartWithIntegrationAsync();
        var token = await app.CreateSessionTokenAsync(new { end_user = new { id = "shared-user", display_name = "Before" } });
        var first = await app.ConnectApiKeyAsync("fake-apikey", token);
        Assert.Equal("Before", (await ReadAsync(app, $"/connections/{first}?provider_config_key=fake-apikey"))["end_user"]!["display_name"]!.GetValue<string>());

        // Another connection of the same end user, made with a new display name, rewrites the end user both share.
        var renamed = await app.CreateSessionTokenAsync(new { end_user = new { id = "shared-user", display_name = "After" } });
        await app.ConnectApiKeyAsync("fake-apikey", renamed);

        Assert.Equal("After", (await ReadAsync(app, $"/connections/{first}?provider_config_key=fake-apikey"))["end_user"]!["display_name"]!.GetValue<string>());
    }

    [Fact]
    public async Task IntegrationDeleted_IsSeenByTheNextRead()
    {
        await using var app = await StartWithIntegrationAsync();
        await ImportAsync(app, "c1", "at-1");
        var url = $"/connections/c1?provider_config_key={Key}";
        await ReadAsync(app, url);

        var deleted = await app.Backend.DeleteAsync($"/integrations/{Key}", Server.Cancellation);
        var read = await app.Backend.GetAsync(url, Server.Cancellation);

        Assert.True(deleted.IsSuccessStatusCode);
        Assert.Equal((HttpStatusCode.BadRequest, "unknown_provider_config"), (read.StatusCode, await read.ErrorCodeAsync()));
    }

    [Fact]
    public async Task ReadsRacingWrites_NeverKeepAnOldRowAfterTheWriteReturns()
    {
        await using var app = await StartWithIntegrationAsync();
        await ImportAsync(app, "c1", "at-1");
        var url = $"/connections/c1?provider_config_key={Key}";
        using var stop = new CancellationTokenSource();

        // Four readers keep reading (and re-filling the cache) while every write lands.
        var readers = Enumerable.Range(0, 4).Select(_ => Task.Run(async () =>
        {
            while (!stop.IsCancellationRequested)
            {
                using var response = await app.Backend.GetAsync(url, Server.Cancellation);
            }
        })).ToArray();

        for (var version = 1; version <= 60; version++)
        {
            var written = await app.Backend.PostAsJsonAsync("/connections/metadata", new { connection_id = "c1", provider_config_key = Key, metadata = new { version } }, Server.Cancellation);
            Assert.Equal(HttpStatusCode.Created, written.StatusCode);
            Assert.Equal(version, (await ReadAsync(app, url))["metadata"]!["version"]!.GetValue<int>());
        }

        await stop.CancelAsync();
        await Task.WhenAll(readers);
    }

    [Fact]
    public async Task AWriteInPlainSql_OnAnyConnectionOfTheServer_IsSeenByTheNextRead()
    {
        await using var app = await StartWithIntegrationAsync();
        await ImportAsync(app, "c1", "at-1");
        var url = $"/connections/c1?provider_config_key={Key}";
        await ReadAsync(app, url);

        // Not through any store: the update hook, not the code path, is what keeps the copy honest.
        await using (var connection = await app.Services.GetRequiredService<Database>().OpenAsync(Server.Cancellation))
        {
            await connection.ExecuteAsync("UPDATE connections SET metadata = '{\"written\":\"by hand\"}' WHERE connection_id = 'c1'");
        }

        Assert.Equal("by hand", (await ReadAsync(app, url))["metadata"]!["written"]!.GetValue<string>());
    }

    [Fact]
    public async Task FetchStamps_DoNotEvictRows_AndTheReadReportsItsOwnFetch()
    {
        await using var app = await StartWithIntegrationAsync();
        await ImportAsync(app, "c1", "at-1");
        var url = $"/connections/c1?provider_config_key={Key}";
        var first = await ReadAsync(app, url);
        await app.Services.GetRequiredService<FetchStamps>().FlushAsync(Server.Cancellation);
        var cache = app.Services.GetRequiredService<ConnectionCache>();

        var second = await ReadAsync(app, url);

        Assert.NotNull(cache.Find(1, Key, "c1"));
        Assert.True(DateTimeOffset.Parse(second["last_fetched_at"]!.GetValue<string>(), System.Globalization.CultureInfo.InvariantCulture) >=
            DateTimeOffset.Parse(first["last_fetched_at"]!.GetValue<string>(), System.Globalization.CultureInfo.InvariantCulture));
    }

    [Fact]
    public async Task EachFlush_WritesTheLatestFetch_OfConnectionsFetchedAgain()
    {
        var clock = new Microsoft.Extensions.Time.Testing.FakeTimeProvider(DateTimeOffset.Parse("2026-11-29T12:00:00Z", System.Globalization.CultureInfo.InvariantCulture));
        await using var app = await Server.StartOnSqliteAsync(clock: clock);
        await app.CreateIntegrationAsync(Key, credentials: new { type = "OAUTH2", client_id = FakeProvider.ClientId, client_secret = FakeProvider.ClientSecret, scopes = "read" });
        await ImportAsync(app, "c1", "at-1");
        var url = $"/connections/c1?provider_config_key={Key}";
        var stamps = app.Services.GetRequiredService<FetchStamps>();
        var store = app.Services.GetRequiredService<ConnectionStore>();

        await ReadAsync(app, url);
        await stamps.FlushAsync(Server.Cancellation);
        var first = (await store.FindAsync(1, Key, "c1", Server.Cancellation))!.LastFetchedAt;
        clock.Advance(TimeSpan.FromMinutes(1));
        await stamps.FlushAsync(Server.Cancellation);
        var unchanged = (await store.FindAsync(1, Key, "c1", Server.Cancellation))!.LastFetchedAt;
        await ReadAsync(app, url);
        await stamps.FlushAsync(Server.Cancellation);
        var second = (await store.FindAsync(1, Key, "c1", Server.Cancellation))!.LastFetchedAt;

        Assert.Equal(clock.GetUtcNow().AddMinutes(-1).ToUnixTimeMilliseconds(), first);
        Assert.Equal(first, unchanged);
        Assert.Equal(clock.GetUtcNow().ToUnixTimeMilliseconds(), second);
    }

    [Fact]
    public async Task TheBackgroundFlush_WritesABusyConnectionAtMostOnceAMinute_AndNeverLosesItsLastFetch()
    {
        var start = DateTimeOffset.Parse("2026-11-29T12:00:00Z", System.Globalization.CultureInfo.InvariantCulture);
        var clock = new Microsoft.Extensions.Time.Testing.FakeTimeProvider(start);
        await using var app = await Server.StartOnSqliteAsync(clock: clock);
        await app.CreateIntegrationAsync(Key, credentials: new { type = "OAUTH2", client_id = FakeProvider.ClientId, client_secret = FakeProvider.ClientSecret, scopes = "read" });
        await ImportAsync(app, "c1", "at-1");
        var url = $"/connections/c1?provider_config_key={Key}";
        var stamps = app.Services.GetRequiredService<FetchStamps>();
        var store = app.Services.GetRequiredService<ConnectionStore>();
        async Task<long?> StoredAsync() => (await store.FindAsync(1, Key, "c1", Server.Cancellation))!.LastFetchedAt;

        await ReadAsync(app, url);
        await stamps.FlushAsync(Server.Cancellation, all: false);
        var first = await StoredAsync();
        clock.Advance(TimeSpan.FromSeconds(10));
        await ReadAsync(app, url);
        await stamps.FlushAsync(Server.Cancellation, all: false);
        var tooSoon = await StoredAsync();
        clock.Advance(FetchStamps.Resolution);
        await stamps.FlushAsync(Server.Cancellation, all: false);
        var later = await StoredAsync();

        Assert.Equal(start.ToUnixTimeMilliseconds(), first);
        Assert.Equal(first, tooSoon);
        Assert.Equal(start.AddSeconds(10).ToUnixTimeMilliseconds(), later);
    }

    [Fact]
    public async Task CacheSizeZero_ReadsTheDatabaseEveryTime_AndABadSizeIsRefusedAtStart()
    {
        await using var app = await StartWithIntegrationAsync(new Dictionary<string, string?> { ["LATCHKEY_CONNECTION_CACHE_SIZE"] = "0" });
        await ImportAsync(app, "c1", "at-1");
        await ReadAsync(app, $"/connections/c1?provider_config_key={Key}");

        Assert.Equal(0, app.Services.GetRequiredService<ConnectionCache>().Count);
        var refused = await Assert.ThrowsAnyAsync<Exception>(() => Server.StartOnSqliteAsync(new Dictionary<string, string?> { ["LATCHKEY_CONNECTION_CACHE_SIZE"] = "lots" }));
        Assert.Contains("LATCHKEY_CONNECTION_CACHE_SIZE", refused.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void ACopy_IsUsedOnlyWhileItsRowHasNotChangedSinceItWasRead()
    {
        var cache = new ConnectionCache(Options.Create(new StorageOptions { ConnectionCacheSize = 100 }));
        var readAfter = cache.Before();
        cache.Keep(Row(id: 7, endUserRef: 3), readAfter);
        Assert.NotNull(cache.Find(1, Key, "c7"));

        cache.Changing("connections", 7);
        Assert.Null(cache.Find(1, Key, "c7"));

        // Settled after the copy's read began: the copy may predate the commit, so it stays unused.
        cache.Settled("connections", 7);
        Assert.Null(cache.Find(1, Key, "c7"));

        // Read again after the write settled: usable until its end user changes.
        cache.Keep(Row(id: 7, endUserRef: 3), cache.Before());
        Assert.NotNull(cache.Find(1, Key, "c7"));
        cache.Changing("auth_logs", 7);
        Assert.NotNull(cache.Find(1, Key, "c7"));
        cache.Changing("end_users", 3);
        cache.Settled("end_users", 3);
        Assert.Null(cache.Find(1, Key, "c7"));
    }

    [Fact]
    public void TheCache_HoldsNoMoreRowsThanItsSize()
    {
        var cache = new ConnectionCache(Options.Create(new StorageOptions { ConnectionCacheSize = 32 }));

        for (var id = 1; id <= 500; id++)
        {
            cache.Keep(Row(id, endUserRef: null), cache.Before());
        }

        Assert.InRange(cache.Count, 1, 32);
        Assert.NotNull(cache.Find(1, Key, "c500"));
    }

    [Fact]
    public void StartingOver_ForgetsTheLogs_WithoutTrustingCopiesReadBefore()
    {
        var cache = new ConnectionCache(Options.Create(new StorageOptions { ConnectionCacheSize = 100 })) { ChangesBeforeReset = 4 };
        var readBeforeTheWrite = cache.Before();
        cache.Changing("connections", 1);
        cache.Settled("connections", 1);
        cache.Changing("connections", 2);

        // The fourth change starts the logs over; the copy of row 1 read before its write must still not be used,
        // and row 2, whose write is still in flight, must not be kept either.
        cache.Changing("end_users", 9);
        cache.Keep(Row(1, endUserRef: null), readBeforeTheWrite);
        cache.Keep(Row(2, endUserRef: null), cache.Before());

        Assert.Null(cache.Find(1, Key, "c1"));
        Assert.Null(cache.Find(1, Key, "c2"));
        cache.Keep(Row(3, endUserRef: null), cache.Before());
        Assert.NotNull(cache.Find(1, Key, "c3"));
    }

    [Fact]
    public void OnPostgres_CopiesAreUsedOnlyWhileTheOtherInstancesAreHeard()
    {
        var status = new ListenerStatus();
        var cache = new ConnectionCache(Options.Create(new StorageOptions { DatabaseUrl = "postgres://u:p@127.0.0.1:5432/db" }), status);
        cache.Keep(Row(1, endUserRef: null), cache.Before());
        Assert.Null(cache.Find(1, Key, "c1"));

        status.Listening = true;
        Assert.NotNull(cache.Find(1, Key, "c1"));

        // A notification from another instance about the row, then a gap in listening: neither copy may be used.
        cache.Changing("connections", 1);
        cache.Settled("connections", 1);
        Assert.Null(cache.Find(1, Key, "c1"));
        cache.Keep(Row(1, endUserRef: null), cache.Before());
        Assert.NotNull(cache.Find(1, Key, "c1"));
        cache.ForgetAll();
        Assert.Null(cache.Find(1, Key, "c1"));
    }

    private static StoredConnection Row(long id, long? endUserRef) => new()
    {
        Id = id, Uid = $"uid-{id}", EnvironmentId = 1, IntegrationId = 1, ConnectionId = $"c{id}", IntegrationKey = Key,
        Provider = "fake-oauth2", CredentialsSealed = "sealed", EndUserRef = endUserRef,
    };

    private static async Task<TestApp> StartWithIntegrationAsync(IReadOnlyDictionary<string, string?>? settings = null)
    {
        var app = await Server.StartOnSqliteAsync(settings);
        await app.CreateIntegrationAsync(Key, credentials: new { type = "OAUTH2", client_id = FakeProvider.ClientId, client_secret = FakeProvider.ClientSecret, scopes = "read" });
        await app.CreateIntegrationAsync("fake-apikey");
        return app;
    }

    private static async Task ImportAsync(TestApp app, string connectionId, string accessToken)
    {
        var response = await app.Backend.PostAsJsonAsync("/connections", new
        {
            provider_config_key = Key,
            connection_id = connectionId,
            credentials = new { type = "OAUTH2", access_token = accessToken, expires_at = "2099-01-01T00:00:00Z" },
        }, Server.Cancellation);
        Assert.True(response.IsSuccessStatusCode, await response.Content.ReadAsStringAsync(Server.Cancellation));
    }

    private static async Task<JsonObject> ReadAsync(TestApp app, string url)
    {
        var response = await app.Backend.GetAsync(url, Server.Cancellation);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return await response.JsonAsync();
    }
}
