using System.Net;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Time.Testing;

namespace Latchkey.Server.Tests.OAuth;

public sealed class RefreshTests
{
    private static async Task<(TestApp App, string ConnectionId)> ConnectedAsync(FakeTimeProvider clock, int expiresInSeconds = 3600)
    {
        var app = await Server.StartAsync(clock: clock);
        app.Fake.ExpiresInSeconds = expiresInSeconds;
        await app.CreateIntegrationAsync("fake-oauth2", credentials: new { type = "OAUTH2", client_id = FakeProvider.ClientId, client_secret = FakeProvider.ClientSecret, scopes = "read" });
        await using var socket = await SdkSocket.ConnectAsync(app.BaseUrl);
        using var browser = new OAuthBrowser();
        await browser.CompleteAsync($"{app.BaseUrl}/oauth/connect/fake-oauth2?connect_session_token={await app.CreateSessionTokenAsync()}&ws_client_id={socket.ClientId}");
        var connectionId = (await socket.ReceiveAsync(TimeSpan.FromSeconds(10)))!["connection_id"]!.GetValue<string>();
        return (app, connectionId);
    }

    private static async Task<HttpResponseMessage> ReadAsync(TestApp app, string connectionId, string extra = "") =>
        await app.Backend.GetAsync($"/connections/{connectionId}?provider_config_key=fake-oauth2&refresh_token=true{extra}", Server.Cancellation);

    private static async Task<string> AccessTokenAsync(TestApp app, string connectionId) =>
        (await (await ReadAsync(app, connectionId)).JsonAsync())["credentials"]!["access_token"]!.GetValue<string>();

    [Fact]
    public async Task RefreshUrl_OfTheCatalog_ReceivesTheRefreshGrant()
    {
        await using var app = await Server.StartAsync();
        await app.CreateIntegrationAsync("fake-refresh-url", credentials: new { type = "OAUTH2", client_id = FakeProvider.ClientId, client_secret = FakeProvider.ClientSecret, scopes = "read" });
        await using var socket = await SdkSocket.ConnectAsync(app.BaseUrl);
        using var browser = new OAuthBrowser();
        await browser.CompleteAsync($"{app.BaseUrl}/oauth/connect/fake-refresh-url?connect_session_token={await app.CreateSessionTokenAsync()}&ws_client_id={socket.ClientId}");
        var connectionId = (await socket.ReceiveAsync(TimeSpan.FromSeconds(10)))!["connection_id"]!.GetValue<string>();
        var original = app.Fake.CurrentAccessTokenOrNull;

        var refreshed = await (await app.Backend.GetAsync($"/connections/{connectionId}?provider_config_key=fake-refresh-url&force_refresh=true", Server.Cancellation)).JsonAsync();

        Assert.Equal((1, 1), (app.Fake.RefreshUrlCalls, app.Fake.RefreshCalls));
        Assert.NotEqual(original, refreshed["credentials"]!["access_token"]!.GetValue<string>());
    }

    [Fact]
    public async Task ExpiredToken_IsRefreshedOnRead_AndTheRotatedRefreshTokenIsKept()
    {
        var clock = new FakeTimeProvider(DateTimeOffset.UtcNow);
        var (app, connectionId) = await ConnectedAsync(clock);
        await using var _ = app;
        var original = await AccessTokenAsync(app, connectionId);

        clock.Advance(TimeSpan.FromMinutes(50)); // inside the 15-minute margin of a one-hour token
        var refreshed = await AccessTokenAsync(app, connectionId);
        clock.Advance(TimeSpan.FromMinutes(50));
        var again = await AccessTokenAsync(app, connectionId); // the fake only accepts the newest refresh token

        Assert.NotEqual(original, refreshed);
        Assert.NotEqual(refreshed, again);
        Assert.Equal(2, app.Fake.RefreshCalls);
        Assert.Equal("refresh_token", app.Fake.LastTokenForm!["grant_type"]);
    }

    [Fact]
    public async Task MetadataChangedBeforeExpiry_DoesNotHideADueRefresh()
    {
        var clock = new FakeTimeProvider(DateTimeOffset.UtcNow);
        var (app, connectionId) = await ConnectedAsync(clock);
        await using var _ = app;
        var original = await AccessTokenAsync(app, connectionId);
        clock.Advance(TimeSpan.FromHours(2));

        await app.Backend.PatchAsJsonAsync("/connections/metadata", new { connection_id = connectionId, provider_config_key = "fake-oauth2", metadata = new { x = 1 } }, Server.Cancellation);
        var refreshed = await AccessTokenAsync(app, connectionId);

        Assert.NotEqual(original, refreshed);
        Assert.Equal(1, app.Fake.RefreshCalls);
    }

    [Fact]
    public async Task FreshToken_IsNotRefreshed_UnlessForced()
    {
        var clock = new FakeTimeProvider(DateTimeOffset.UtcNow);
        var (app, connectionId) = await ConnectedAsync(clock);
        await using var _ = app;

        await ReadAsync(app, connectionId);
        await ReadAsync(app, connectionId);
        Assert.Equal(0, app.Fake.RefreshCalls);
        await ReadAsync(app, connectionId, "&force_refresh=true");

        Assert.Equal(1, app.Fake.RefreshCalls);
    }

    [Fact]
    public async Task HundredConcurrentReadsAfterExpiry_MakeExactlyOneProviderCall()
    {
        var clock = new FakeTimeProvider(DateTimeOffset.UtcNow);
        var (app, connectionId) = await ConnectedAsync(clock);
        await using var _ = app;
        app.Fake.TokenDelay = TimeSpan.FromMilliseconds(300);
        clock.Advance(TimeSpan.FromHours(2));

        var answers = await Task.WhenAll(Enumerable.Range(0, 100).Select(_ => ReadAsync(app, connectionId)));
        var tokens = await Task.WhenAll(answers.Select(async a => (await a.JsonAsync())["credentials"]!["access_token"]!.GetValue<string>()));

        Assert.All(answers, a => Assert.Equal(HttpStatusCode.OK, a.StatusCode));
        Assert.Equal(1, app.Fake.RefreshCalls);
        Assert.Single(tokens.Distinct());
    }

    [Fact]
    public async Task RefusedRefresh_KeepsTheOldCredentials_RecordsTheFailure_AndBacksOff()
    {
        var clock = new FakeTimeProvider(DateTimeOffset.UtcNow);
        var (app, connectionId) = await ConnectedAsync(clock);
        await using var _ = app;
        var original = await AccessTokenAsync(app, connectionId);
        app.Fake.FailRefresh = true;
        clock.Advance(TimeSpan.FromHours(2));

        var refused = await ReadAsync(app, connectionId);
        var backoff = await ReadAsync(app, connectionId);
        app.Fake.FailRefresh = false;
        var listed = await (await app.Backend.GetAsync("/connections", Server.Cancellation)).JsonAsync();
        clock.Advance(TimeSpan.FromMinutes(1));
        var recovered = await ReadAsync(app, connectionId);

        Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);
        var error = (await refused.JsonAsync())["error"]!;
        Assert.Equal("invalid_credentials", error["code"]!.GetValue<string>());
        Assert.Equal("refresh_token_external_error", error["payload"]!["type"]!.GetValue<string>());
        Assert.Equal(HttpStatusCode.FailedDependency, backoff.StatusCode);
        Assert.Equal("connection_refresh_backoff", (await backoff.JsonAsync())["error"]!["payload"]!["type"]!.GetValue<string>());
        Assert.Equal("auth", listed["connections"]![0]!["errors"]![0]!["type"]!.GetValue<string>());
        Assert.Equal(HttpStatusCode.OK, recovered.StatusCode);
        Assert.NotEqual(original, (await recovered.JsonAsync())["credentials"]!["access_token"]!.GetValue<string>());
        Assert.Equal(2, app.Fake.RefreshCalls);
    }

    [Fact]
    public async Task RefusedRefresh_SendsTheRefreshWebhook_AndIsInTheAuthLog()
    {
        var clock = new FakeTimeProvider(DateTimeOffset.UtcNow);
        var (app, connectionId) = await ConnectedAsync(clock);
        await using var _ = app;
        await using var receiver = await WebhookReceiver.StartAsync();
        await app.Backend.PatchAsJsonAsync("/environment", new { webhook = new { primary_url = receiver.Url, on_auth_refresh_error = true } }, Server.Cancellation);
        app.Fake.FailRefresh = true;
        clock.Advance(TimeSpan.FromHours(2));

        await ReadAsync(app, connectionId);
        string? delivered = null;
        JsonNode? entry = null;
        for (var i = 0; i < 200 && (entry is null || delivered is null); i++)
        {
            delivered = receiver.Accepted.Select(r => r.Body).FirstOrDefault(body => body.Contains("\"operation\":\"refresh\"", StringComparison.Ordinal));
            var logs = await (await app.Backend.GetAsync($"/logs?connection_id={connectionId}&outcome=failure", Server.Cancellation)).JsonAsync();
            entry = logs["data"]?.AsArray().FirstOrDefault(e => e?["kind"]?.GetValue<string>() == "refresh");
            await Task.Delay(100, Server.Cancellation);
        }

        Assert.NotNull(delivered);
        Assert.Contains("\"success\":false", delivered, StringComparison.Ordinal);
        Assert.Contains("refresh_token_external_error", delivered, StringComparison.Ordinal);
        Assert.NotNull(entry);
    }

    [Fact]
    public async Task ShortLivedTokens_UseHalfTheirLifetimeAsTheMargin()
    {
        var clock = new FakeTimeProvider(DateTimeOffset.UtcNow);
        var (app, connectionId) = await ConnectedAsync(clock, expiresInSeconds: 600);
        await using var _ = app;

        clock.Advance(TimeSpan.FromSeconds(200)); // a 15-minute margin would refresh on every read
        await ReadAsync(app, connectionId);
        Assert.Equal(0, app.Fake.RefreshCalls);
        clock.Advance(TimeSpan.FromSeconds(120)); // now inside the last 300 s
        await ReadAsync(app, connectionId);

        Assert.Equal(1, app.Fake.RefreshCalls);
    }

    [Fact]
    public async Task ImportedTokenWithoutRefreshToken_IsReturnedAsIsWhenExpired()
    {
        await using var app = await Server.StartAsync();
        await app.CreateIntegrationAsync("fake-oauth2", credentials: new { type = "OAUTH2", client_id = FakeProvider.ClientId, client_secret = FakeProvider.ClientSecret });
        await app.Backend.PostAsJsonAsync("/connections", new
        {
            provider_config_key = "fake-oauth2",
            connection_id = "old",
            credentials = new { type = "OAUTH2", access_token = "expired-token", expires_at = "2020-01-01T00:00:00Z" },
        }, Server.Cancellation);

        var read = await ReadAsync(app, "old", "&force_refresh=true");

        Assert.Equal(HttpStatusCode.OK, read.StatusCode);
        Assert.Equal("expired-token", (await read.JsonAsync())["credentials"]!["access_token"]!.GetValue<string>());
        Assert.Equal(0, app.Fake.RefreshCalls);
    }

    [Fact]
    public async Task ClientCredentialsToken_IsRenewedWithANewGrantWhenExpired()
    {
        var clock = new FakeTimeProvider(DateTimeOffset.UtcNow);
        await using var app = await Server.StartAsync(clock: clock);
        await app.CreateIntegrationAsync("fake-oauth2-cc");
        var created = await app.Http.PostAsJsonAsync($"/oauth2/auth/fake-oauth2-cc?connect_session_token={await app.CreateSessionTokenAsync()}",
            new { client_id = FakeProvider.ClientId, client_secret = FakeProvider.ClientSecret }, Server.Cancellation);
        var connectionId = (await created.JsonAsync())["connectionId"]!.GetValue<string>();

        clock.Advance(TimeSpan.FromHours(2));
        var read = await (await app.Backend.GetAsync($"/connections/{connectionId}?provider_config_key=fake-oauth2-cc", Server.Cancellation)).JsonAsync();

        Assert.Equal(2, app.Fake.ClientCredentialsCalls);
        Assert.Equal(app.Fake.CurrentAccessTokenOrNull, read["credentials"]!["token"]!.GetValue<string>());
    }
}
