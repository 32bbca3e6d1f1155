using System.Net;
using static Latchkey.Server.Tests.Proxy.ProxyTestApp;

namespace Latchkey.Server.Tests.Proxy;

public sealed class ProxyCredentialTests
{
    private static async Task<string> OAuth2ConnectionAsync(TestApp app, string accessToken, DateTimeOffset expiresAt)
    {
        await app.CreateIntegrationAsync("fake-oauth2", credentials: new { type = "OAUTH2", client_id = FakeProvider.ClientId, client_secret = FakeProvider.ClientSecret, scopes = "read" });
        app.Fake.AcceptRefreshToken("rt_imported_4c7d");
        return await ImportAsync(app, "fake-oauth2", new { type = "OAUTH2", access_token = accessToken, refresh_token = "rt_imported_4c7d", expires_at = expiresAt.ToString("O") });
    }

    [Fact]
    public async Task ExpiredBearer_IsRefreshedOnceBeforeUse_ForConcurrentCalls()
    {
        await using var app = await Server.StartAsync();
        var connectionId = await OAuth2ConnectionAsync(app, "at_expired_1", DateTimeOffset.UtcNow.AddMinutes(-5));

        var calls = Enumerable.Range(0, 8).Select(_ => app.Backend.SendAsync(Call(HttpMethod.Get, "/upstream/bearer", "fake-oauth2", connectionId), Server.Cancellation));
        var responses = await Task.WhenAll(calls);

        Assert.All(responses, response => Assert.Equal(HttpStatusCode.OK, response.StatusCode));
        Assert.Equal(1, app.Fake.RefreshCalls);
    }

    [Fact]
    public async Task Unauthorized_FromTheProvider_RefreshesOnce_AndReplaysTheCall()
    {
        await using var app = await Server.StartAsync();
        var connectionId = await OAuth2ConnectionAsync(app, "at_revoked_2", DateTimeOffset.UtcNow.AddHours(1));

        using var response = await app.Backend.SendAsync(Call(HttpMethod.Get, "/upstream/bearer", "fake-oauth2", connectionId), Server.Cancellation);
        using var again = await app.Backend.SendAsync(Call(HttpMethod.Get, "/upstream/bearer", "fake-oauth2", connectionId), Server.Cancellation);

        Assert.Equal((HttpStatusCode.OK, HttpStatusCode.OK), (response.StatusCode, again.StatusCode));
        Assert.Equal(1, app.Fake.RefreshCalls);
        Assert.Contains("refresh after 401", await ProxyForwardingTests.WaitForProxyLogAsync(app, connectionId), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Unauthorized_WhenTheRefreshFails_PassesTheProvidersAnswerBack()
    {
        await using var app = await Server.StartAsync();
        var connectionId = await OAuth2ConnectionAsync(app, "at_revoked_3", DateTimeOffset.UtcNow.AddHours(1));
        app.Fake.FailRefresh = true;

        using var response = await app.Backend.SendAsync(Call(HttpMethod.Get, "/upstream/bearer", "fake-oauth2", connectionId), Server.Cancellation);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal("{\"error\":\"invalid_token\"}", await response.Content.ReadAsStringAsync(Server.Cancellation));
        Assert.Equal(1, app.Fake.RefreshCalls);
    }

    [Fact]
    public async Task Basic_IsSentAsBasicAuth()
    {
        await using var app = await Server.StartAsync();
        await app.CreateIntegrationAsync("fake-basic");
        var connectionId = await ImportAsync(app, "fake-basic", new { type = "BASIC", username = FakeProvider.GoodUsername, password = FakeProvider.GoodPassword });

        var echo = await (await app.Backend.SendAsync(Call(HttpMethod.Get, "/upstream/echo/me", "fake-basic", connectionId), Server.Cancellation)).EchoAsync();

        var expected = "Basic " + Convert.ToBase64String(System.Text.Encoding.UTF8.GetBytes($"{FakeProvider.GoodUsername}:{FakeProvider.GoodPassword}"));
        Assert.Equal(expected, echo["headers"]!["authorization"]!.GetValue<string>());
    }

    [Fact]
    public async Task OAuth1_IsSignedPerRequest_OverTheQuery()
    {
        await using var app = await Server.StartAsync();
        await app.CreateIntegrationAsync("fake-oauth1-api", credentials: new { type = "OAUTH1", client_id = FakeProvider.ClientId, client_secret = FakeProvider.ClientSecret });
        var connectionId = await ImportAsync(app, "fake-oauth1-api", new { type = "OAUTH1", oauth_token = "tok_1", oauth_token_secret = "toksecret_1" });

        var first = await (await app.Backend.SendAsync(Call(HttpMethod.Get, "/upstream/echo/statuses?count=5", "fake-oauth1-api", connectionId), Server.Cancellation)).EchoAsync();
        var second = await (await app.Backend.SendAsync(Call(HttpMethod.Get, "/upstream/echo/statuses?count=5", "fake-oauth1-api", connectionId), Server.Cancellation)).EchoAsync();

        var header = first["headers"]!["authorization"]!.GetValue<string>();
        var parameters = header["OAuth ".Length..].Split(", ").Select(part => part.Split('=', 2))
            .ToDictionary(pair => pair[0], pair => Uri.UnescapeDataString(pair[1].Trim('"')));
        var baseString = Latchkey.Server.Providers.OAuth1Signature.BaseString("GET", new Uri($"{app.Fake.BaseUrl}/upstream/echo/statuses?count=5"),
            parameters.Where(p => p.Key != "oauth_signature").Append(KeyValuePair.Create("count", "5")));
        Assert.Equal(FakeProvider.ClientId, parameters["oauth_consumer_key"]);
        Assert.Equal("tok_1", parameters["oauth_token"]);
        Assert.Equal(Latchkey.Server.Providers.OAuth1Signature.Sign("HMAC-SHA1", baseString, FakeProvider.ClientSecret, "toksecret_1"), parameters["oauth_signature"]);
        Assert.NotEqual(header, second["headers"]!["authorization"]!.GetValue<string>());
    }
}
