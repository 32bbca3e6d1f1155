using System.Net;
using Latchkey.Server.Storage;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using Npgsql;

namespace Latchkey.Server.Tests.ScaleOut;

/// <summary>Two instances on one PostgreSQL database refresh a connection once between them (spec §5.10).</summary>
public sealed class SharedRefreshTests
{
    private const string OnlyPostgres = "Two instances share a database only on PostgreSQL (set LATCHKEY_TEST_POSTGRES).";

    [Fact]
    public async Task ConcurrentReadsOnTwoInstances_AfterExpiry_MakeOneGrant_AndAgreeOnTheToken()
    {
        Assert.SkipUnless(TestDatabases.UsesPostgres, OnlyPostgres);
        var clock = new FakeTimeProvider(DateTimeOffset.UtcNow);
        await using var a = await Server.StartAsync(clock: clock);
        await using var b = await Server.StartAnotherInstanceAsync(a, clock);
        var connectionId = await ScaleOutFlows.ConnectOAuthAsync(a);
        // Both instances warm (key cache, connection pool), so both reach the provider's slow answer together.
        Assert.Equal(HttpStatusCode.OK, (await ReadAsync(a, connectionId)).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await ReadAsync(b, connectionId)).StatusCode);
        a.Fake.TokenDelay = TimeSpan.FromMilliseconds(300);
        clock.Advance(TimeSpan.FromHours(2));

        var answers = await Task.WhenAll(Enumerable.Range(0, 100).Select(i => ReadAsync(i % 2 == 0 ? a : b, connectionId)));
        var tokens = await Task.WhenAll(answers.Select(async answer => (await answer.JsonAsync())["credentials"]?["access_token"]?.GetValue<string>()));

        Assert.All(answers, answer => Assert.Equal(HttpStatusCode.OK, answer.StatusCode));
        Assert.Equal(1, a.Fake.RefreshCalls);
        Assert.Equal(a.Fake.CurrentAccessTokenOrNull, Assert.Single(tokens.Distinct()));
    }

    [Fact]
    public async Task ReadWhileAnotherInstanceHoldsTheLock_TimesOut_WithoutAGrant_ThenRefreshesOnceFree()
    {
        Assert.SkipUnless(TestDatabases.UsesPostgres, OnlyPostgres);
        var clock = new FakeTimeProvider(DateTimeOffset.UtcNow);
        await using var app = await Server.StartAsync(clock: clock);
        var connectionId = await ScaleOutFlows.ConnectOAuthAsync(app);
        var rowId = (await (await ReadAsync(app, connectionId)).JsonAsync())["id"]!.GetValue<long>();
        clock.Advance(TimeSpan.FromHours(2));

        // Stands in for an instance stuck in a refresh: the same advisory key, held by another session.
        await using var other = new NpgsqlConnection(PostgresConnectionString.From(app.Services.GetRequiredService<IOptions<StorageOptions>>().Value.DatabaseUrl!));
        await other.OpenAsync(Server.Cancellation);
        await using (var take = new NpgsqlCommand($"SELECT pg_advisory_lock({PostgresRefreshLock.KeySpace}, {PostgresRefreshLock.KeyOf(rowId)})", other))
        {
            await take.ExecuteNonQueryAsync(Server.Cancellation);
        }

        var waited = await ReadAsync(app, connectionId);
        await using (var release = new NpgsqlCommand("SELECT pg_advisory_unlock_all()", other))
        {
            await release.ExecuteNonQueryAsync(Server.Cancellation);
        }

        var body = await waited.JsonAsync();
        Assert.Equal(HttpStatusCode.FailedDependency, waited.StatusCode);
        Assert.Equal("invalid_credentials", body["error"]!["code"]!.GetValue<string>());
        Assert.Equal("connection_refresh_backoff", body["error"]!["payload"]!["type"]!.GetValue<string>());
        Assert.Equal(0, app.Fake.RefreshCalls);

        var freed = await ReadAsync(app, connectionId);
        Assert.Equal(HttpStatusCode.OK, freed.StatusCode);
        Assert.Equal(1, app.Fake.RefreshCalls);
    }

    private static Task<HttpResponseMessage> ReadAsync(TestApp app, string connectionId) =>
        app.Backend.GetAsync($"/connections/{connectionId}?provider_config_key=fake-oauth2&refresh_token=true", Server.Cancellation);
}
