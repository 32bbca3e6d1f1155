using Latchkey.Server.Connections;
using Latchkey.Server.Logs;
using Microsoft.Extensions.Time.Testing;

namespace Latchkey.Server.Tests.Logs;

public sealed class AuthLogRetentionTests
{
    [Fact]
    public async Task Purge_DeletesEntriesOlderThanTheRetention_AndKeepsYoungerOnes()
    {
        var clock = new FakeTimeProvider(DateTimeOffset.UtcNow);
        await using var app = await Server.StartAsync(new Dictionary<string, string?> { ["LATCHKEY_LOG_RETENTION_DAYS"] = "30" }, clock);
        await app.CreateIntegrationAsync("fake-apikey");
        await app.ConnectApiKeyAsync("fake-apikey", await app.CreateSessionTokenAsync());
        await WaitForCountAsync(app, 1);
        var purge = app.Services.GetRequiredService<AuthLogPurge>();

        clock.Advance(TimeSpan.FromDays(29));
        await purge.RunOnceAsync(Server.Cancellation);
        var after29Days = await CountAsync(app);
        clock.Advance(TimeSpan.FromDays(2));
        await purge.RunOnceAsync(Server.Cancellation);

        Assert.Equal(1, after29Days);
        Assert.Equal(0, await CountAsync(app));
    }

    [Fact]
    public async Task FailedRefresh_PointsTheConnectionsErrorLogIdAtItsEntry()
    {
        await using var app = await Server.StartAsync();
        await app.CreateIntegrationAsync("fake-apikey");
        var connectionId = await app.ConnectApiKeyAsync("fake-apikey", await app.CreateSessionTokenAsync());
        var environmentId = (await app.Services.GetRequiredService<Latchkey.Server.Environments.EnvironmentStore>().FindBySecretKeyAsync(app.SecretKey, Server.Cancellation))!.Id;
        var stored = (await app.Services.GetRequiredService<ConnectionStore>().FindAsync(environmentId, "fake-apikey", connectionId, Server.Cancellation))!;
        var entry = new AuthLogEntry(environmentId, "refresh", "fake-apikey", connectionId, false,
            "refresh_token_external_error", "The provider refused the refresh token.", [new AuthLogStep("token request", DateTimeOffset.UtcNow, "HTTP 400")],
            DateTimeOffset.UtcNow, TimeSpan.FromMilliseconds(12));
        await app.Services.GetRequiredService<ConnectionWriter>().RecordRefreshFailureAsync(stored,
            new RefreshFailure("refresh_token_external_error", "refused in a test", entry.Uid, ExhaustedAfterDays: 4), Server.Cancellation);
        app.Services.GetRequiredService<AuthLogWriter>().Record(entry);
        await WaitForCountAsync(app, 2);
        var logId = (await (await app.Backend.GetAsync("/logs?outcome=failure", Server.Cancellation)).JsonAsync())["data"]![0]!["id"]!.GetValue<string>();
        var connection = await (await app.Backend.GetAsync($"/connections/{connectionId}?provider_config_key=fake-apikey", Server.Cancellation)).JsonAsync();
        var one = await (await app.Backend.GetAsync($"/logs/{logId}", Server.Cancellation)).JsonAsync();

        Assert.Equal(logId, connection["errors"]![0]!["log_id"]!.GetValue<string>());
        Assert.Equal("refresh_token_external_error", one["data"]!["error_type"]!.GetValue<string>());
    }

    private static async Task<int> CountAsync(TestApp app) =>
        (await (await app.Backend.GetAsync("/logs", Server.Cancellation)).JsonAsync())["data"]!.AsArray().Count;

    private static async Task WaitForCountAsync(TestApp app, int count)
    {
        for (var i = 0; i < 100 && await CountAsync(app) < count; i++)
        {
            await Task.Delay(50, Server.Cancellation);
        }
    }
}
