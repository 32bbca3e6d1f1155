using System.Net;
using Microsoft.AspNetCore.WebUtilities;

namespace Latchkey.Server.Tests.OAuth;

public sealed class OAuthFlowTests
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(10);

    private static Task<string> OAuthIntegrationAsync(TestApp app, string provider = "fake-oauth2") =>
        app.CreateIntegrationAsync(provider, credentials: new { type = provider == "fake-oauth1" ? "OAUTH1" : "OAUTH2", client_id = FakeProvider.ClientId, client_secret = FakeProvider.ClientSecret, scopes = "read,write" });

    [Fact]
    public async Task OAuth2_FullFlow_SavesTheConnection_AndTellsTheWebSocket()
    {
        await using var app = await Server.StartAsync();
        await OAuthIntegrationAsync(app);
        var token = await app.CreateSessionTokenAsync(new { end_user = new { id = "u-oauth" } });
        await using var socket = await SdkSocket.ConnectAsync(app.BaseUrl);
        using var browser = new OAuthBrowser();

        var page = await browser.CompleteAsync($"{app.BaseUrl}/oauth/connect/fake-oauth2?connect_session_token={token}&ws_client_id={socket.ClientId}");
        var message = await socket.ReceiveAsync(Wait);

        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        Assert.Contains("nango_oauth_callback_success", await page.Content.ReadAsStringAsync(Server.Cancellation), StringComparison.Ordinal);
        Assert.Equal("success", message!["message_type"]!.GetValue<string>());
        Assert.Equal("fake-oauth2", message["provider_config_key"]!.GetValue<string>());
        Assert.False(message["is_pending"]!.GetValue<bool>());
        var connectionId = message["connection_id"]!.GetValue<string>();

        var authorize = app.Fake.LastAuthorizeQuery!;
        Assert.Equal("read write", authorize["scope"].ToString());
        Assert.Equal("offline", authorize["access_type"].ToString());
        Assert.Equal("S256", authorize["code_challenge_method"].ToString());
        Assert.Equal($"{app.BaseUrl}/oauth/callback", authorize["redirect_uri"].ToString());
        Assert.True(authorize["state"].ToString().Length >= 43, "state must carry 256 random bits");
        Assert.Equal(1, app.Fake.CodeExchanges);

        var connection = await (await app.Backend.GetAsync($"/connections/{connectionId}?provider_config_key=fake-oauth2&refresh_token=true", Server.Cancellation)).JsonAsync();
        Assert.Equal("OAUTH2", connection["credentials"]!["type"]!.GetValue<string>());
        Assert.Equal(app.Fake.CurrentAccessTokenOrNull, connection["credentials"]!["access_token"]!.GetValue<string>());
        Assert.StartsWith("rt_", connection["credentials"]!["refresh_token"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Equal("T-42", connection["connection_config"]!["team.id"]!.GetValue<string>());
        Assert.Equal("u-oauth", connection["tags"]!["end_user_id"]!.GetValue<string>());
    }

    [Fact]
    public async Task DeniedConsent_IsACallbackError_OnThePageAndTheSocket()
    {
        await using var app = await Server.StartAsync();
        await OAuthIntegrationAsync(app);
        app.Fake.DenyConsent = true;
        var token = await app.CreateSessionTokenAsync();
        await using var socket = await SdkSocket.ConnectAsync(app.BaseUrl);
        using var browser = new OAuthBrowser();

        var page = await browser.CompleteAsync($"{app.BaseUrl}/oauth/connect/fake-oauth2?connect_session_token={token}&ws_client_id={socket.ClientId}");
        var message = await socket.ReceiveAsync(Wait);

        Assert.Equal(HttpStatusCode.BadRequest, page.StatusCode);
        Assert.Equal("error", message!["message_type"]!.GetValue<string>());
        Assert.Equal("callback_err", message["error_type"]!.GetValue<string>());
        Assert.Contains("access_denied", message["error_desc"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Equal("""{"connections":[]}""", await (await app.Backend.GetAsync("/connections", Server.Cancellation)).Content.ReadAsStringAsync(Server.Cancellation));
    }

    [Fact]
    public async Task ReplayedState_IsRefused()
    {
        await using var app = await Server.StartAsync();
        await OAuthIntegrationAsync(app);
        using var browser = new OAuthBrowser();
        var callback = await browser.ReachCallbackAsync($"{app.BaseUrl}/oauth/connect/fake-oauth2?connect_session_token={await app.CreateSessionTokenAsync()}");

        var first = await browser.GetAsync(callback);
        var replay = await browser.GetAsync(callback);

        Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, replay.StatusCode);
        Assert.Equal(1, app.Fake.CodeExchanges);
    }

    [Fact]
    public async Task ConcurrentCallbacksWithOneState_OnlyOneWins()
    {
        await using var app = await Server.StartAsync();
        await OAuthIntegrationAsync(app);
        using var browser = new OAuthBrowser();
        var callback = await browser.ReachCallbackAsync($"{app.BaseUrl}/oauth/connect/fake-oauth2?connect_session_token={await app.CreateSessionTokenAsync()}");

        var answers = await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => browser.GetAsync(callback)));

        Assert.Equal(1, answers.Count(a => a.StatusCode == HttpStatusCode.OK));
        Assert.Equal(1, app.Fake.CodeExchanges);
    }

    [Fact]
    public async Task ForeignState_IsRefused()
    {
        await using var app = await Server.StartAsync();
        using var browser = new OAuthBrowser();

        var page = await browser.GetAsync($"{app.BaseUrl}/oauth/callback?code=x&state=not-a-state-we-issued");

        Assert.Equal(HttpStatusCode.BadRequest, page.StatusCode);
        Assert.Contains("state_err", await page.Content.ReadAsStringAsync(Server.Cancellation), StringComparison.Ordinal);
    }

    [Fact]
    public async Task CallbackFromAnotherBrowser_IsRefused_WithoutExchangingTheCode()
    {
        await using var app = await Server.StartAsync();
        await OAuthIntegrationAsync(app);
        await using var socket = await SdkSocket.ConnectAsync(app.BaseUrl);
        using var victim = new OAuthBrowser();
        using var attacker = new OAuthBrowser();
        var callback = await victim.ReachCallbackAsync($"{app.BaseUrl}/oauth/connect/fake-oauth2?connect_session_token={await app.CreateSessionTokenAsync()}&ws_client_id={socket.ClientId}");

        var page = await attacker.GetAsync(callback);
        var message = await socket.ReceiveAsync(Wait);

        Assert.Equal(HttpStatusCode.BadRequest, page.StatusCode);
        Assert.Equal("state_cookie_err", message!["error_type"]!.GetValue<string>());
        Assert.Equal(0, app.Fake.CodeExchanges);
    }

    [Fact]
    public async Task ForeignIssuer_IsRefused()
    {
        await using var app = await Server.StartAsync();
        await OAuthIntegrationAsync(app);
        app.Fake.IssuerToReturn = "https://evil.example";
        using var browser = new OAuthBrowser();

        var page = await browser.CompleteAsync($"{app.BaseUrl}/oauth/connect/fake-oauth2?connect_session_token={await app.CreateSessionTokenAsync()}");

        Assert.Equal(HttpStatusCode.BadRequest, page.StatusCode);
        Assert.Contains("unexpected issuer", await page.Content.ReadAsStringAsync(Server.Cancellation), StringComparison.Ordinal);
        Assert.Equal(0, app.Fake.CodeExchanges);
    }

    [Fact]
    public async Task MatchingIssuer_IsAccepted()
    {
        await using var app = await Server.StartAsync();
        await OAuthIntegrationAsync(app);
        app.Fake.IssuerToReturn = app.Fake.BaseUrl;
        using var browser = new OAuthBrowser();

        var page = await browser.CompleteAsync($"{app.BaseUrl}/oauth/connect/fake-oauth2?connect_session_token={await app.CreateSessionTokenAsync()}");

        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
    }

    [Fact]
    public async Task ReconnectSession_ReauthorisesTheSameConnection()
    {
        await using var app = await Server.StartAsync();
        await OAuthIntegrationAsync(app);
        await using var first = await SdkSocket.ConnectAsync(app.BaseUrl);
        using var browser = new OAuthBrowser();
        await browser.CompleteAsync($"{app.BaseUrl}/oauth/connect/fake-oauth2?connect_session_token={await app.CreateSessionTokenAsync()}&ws_client_id={first.ClientId}");
        var connectionId = (await first.ReceiveAsync(Wait))!["connection_id"]!.GetValue<string>();
        var reconnect = await app.Backend.PostAsJsonAsync("/connect/sessions/reconnect", new { connection_id = connectionId, integration_id = "fake-oauth2" }, Server.Cancellation);
        var reconnectToken = (await reconnect.JsonAsync())["data"]!["token"]!.GetValue<string>();
        await using var second = await SdkSocket.ConnectAsync(app.BaseUrl);

        await browser.CompleteAsync($"{app.BaseUrl}/oauth/connect/fake-oauth2?connect_session_token={reconnectToken}&ws_client_id={second.ClientId}");
        var message = await second.ReceiveAsync(Wait);

        Assert.Equal(connectionId, message!["connection_id"]!.GetValue<string>());
        Assert.Equal(2, app.Fake.CodeExchanges);
        Assert.Single((await (await app.Backend.GetAsync("/connections", Server.Cancellation)).JsonAsync())["connections"]!.AsArray());
    }

    /// <summary>Issue 17 item 8: no failure at /oauth/connect answers JSON into the popup, where nobody would read it.</summary>
    [Theory]
    [InlineData("fake-oauth2", "connect_session_token=nango_connect_session_x", "invalid_connect_session_token_format")]
    [InlineData("fake-oauth2", "connect_session_token=nango_connect_session_0000000000000000000000000000000000000000000000000000000000000000", "unknown_connect_session_token")]
    [InlineData("fake-oauth2", "public_key=5a3c7f1e-2b4d-4e6f-8a9b-0c1d2e3f4a5b", "deprecated_authentication")]
    [InlineData("fake-oauth2", "", "missing_public_key")]
    [InlineData("fake-oauth2", "connect_session_token={restricted}", "integration_not_allowed")]
    [InlineData("fake-oauth2", "connect_session_token={open}&connection_id=mine", "invalid_query_params")]
    [InlineData("nope", "connect_session_token={open}", "provider_config_err")]
    [InlineData("fake-apikey", "connect_session_token={open}", "auth_mode_err")]
    public async Task EveryFailureAtConnect_EndsOnTheResultPage_AndOnTheSocket(string integration, string query, string errorType)
    {
        await using var app = await Server.StartAsync();
        await OAuthIntegrationAsync(app);
        await app.CreateIntegrationAsync("fake-apikey");
        await using var socket = await SdkSocket.ConnectAsync(app.BaseUrl);
        query = query
            .Replace("{restricted}", await app.CreateSessionTokenAsync(new { tags = new { end_user_id = "u" }, allowed_integrations = new[] { "fake-apikey" } }), StringComparison.Ordinal)
            .Replace("{open}", await app.CreateSessionTokenAsync(), StringComparison.Ordinal);
        using var browser = new OAuthBrowser();

        var page = await browser.GetAsync($"{app.BaseUrl}/oauth/connect/{integration}?{query}&ws_client_id={socket.ClientId}");
        var message = await socket.ReceiveAsync(Wait);

        Assert.Equal(HttpStatusCode.BadRequest, page.StatusCode);
        Assert.Equal("text/html", page.Content.Headers.ContentType!.MediaType);
        var html = await page.Content.ReadAsStringAsync(Server.Cancellation);
        Assert.Contains("nango_oauth_callback_error", html, StringComparison.Ordinal);
        Assert.Contains($"\"errorType\":\"{errorType}\"", html, StringComparison.Ordinal);
        Assert.Equal("error", message!["message_type"]!.GetValue<string>());
        Assert.Equal(errorType, message["error_type"]!.GetValue<string>());
        Assert.False(string.IsNullOrEmpty(message["error_desc"]!.GetValue<string>()));
    }

    [Fact]
    public async Task RateLimitAtConnect_EndsOnTheResultPage_AndOnTheSocket()
    {
        await using var app = await Server.StartAsync(new Dictionary<string, string?> { ["LATCHKEY_RATE_LIMIT_ENTRY"] = "1" });
        await OAuthIntegrationAsync(app);
        var token = await app.CreateSessionTokenAsync();
        using var browser = new OAuthBrowser();
        await browser.GetAsync($"{app.BaseUrl}/oauth/connect/fake-oauth2?connect_session_token={token}");
        await using var socket = await SdkSocket.ConnectAsync(app.BaseUrl);

        var page = await browser.GetAsync($"{app.BaseUrl}/oauth/connect/fake-oauth2?connect_session_token={token}&ws_client_id={socket.ClientId}");
        var message = await socket.ReceiveAsync(Wait);

        Assert.Equal("text/html", page.Content.Headers.ContentType!.MediaType);
        Assert.True(page.Headers.Contains("Retry-After"));
        Assert.Equal("too_many_request", message!["error_type"]!.GetValue<string>());
    }

    [Fact]
    public async Task AuthorizationParams_FromTheRequest_OverrideAndUndefinedDeletes()
    {
        await using var app = await Server.StartAsync(new Dictionary<string, string?> { ["LATCHKEY_PUBLIC_KEY_AUTH"] = "true" });
        await OAuthIntegrationAsync(app);
        var publicKey = (await app.Services.GetRequiredService<Latchkey.Server.Environments.EnvironmentStore>().FindBySecretKeyAsync(app.SecretKey, Server.Cancellation))!.PublicKey;
        using var browser = new OAuthBrowser();

        await browser.CompleteAsync($"{app.BaseUrl}/oauth/connect/fake-oauth2?public_key={publicKey}&connection_id=chosen-1&authorization_params[prompt]=consent&authorization_params[access_type]=undefined");
        var connection = await app.Backend.GetAsync("/connections/chosen-1?provider_config_key=fake-oauth2", Server.Cancellation);

        Assert.Equal("consent", app.Fake.LastAuthorizeQuery!["prompt"].ToString());
        Assert.False(app.Fake.LastAuthorizeQuery.ContainsKey("access_type"));
        Assert.Equal(HttpStatusCode.OK, connection.StatusCode);
    }

    [Fact]
    public async Task OAuth1_ThreeLeggedFlow_SavesTokenAndSecret()
    {
        await using var app = await Server.StartAsync();
        await OAuthIntegrationAsync(app, "fake-oauth1");
        await using var socket = await SdkSocket.ConnectAsync(app.BaseUrl);
        using var browser = new OAuthBrowser();

        var page = await browser.CompleteAsync($"{app.BaseUrl}/oauth/connect/fake-oauth1?connect_session_token={await app.CreateSessionTokenAsync()}&ws_client_id={socket.ClientId}");
        var message = await socket.ReceiveAsync(Wait);

        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        var connectionId = message!["connection_id"]!.GetValue<string>();
        var credentials = (await (await app.Backend.GetAsync($"/connections/{connectionId}?provider_config_key=fake-oauth1", Server.Cancellation)).JsonAsync())["credentials"]!;
        Assert.Equal("OAUTH1", credentials["type"]!.GetValue<string>());
        Assert.StartsWith("oat_", credentials["oauth_token"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.StartsWith("oas_", credentials["oauth_token_secret"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Equal("ada", credentials["raw"]!["screen_name"]!.GetValue<string>());
        Assert.Equal(1, app.Fake.OAuth1Exchanges);
    }

    [Fact]
    public async Task ClientCredentials_FetchesATokenAtOnce_AndReportsFailures()
    {
        await using var app = await Server.StartAsync();
        await app.CreateIntegrationAsync("fake-oauth2-cc");
        var token = await app.CreateSessionTokenAsync();
        var url = $"/oauth2/auth/fake-oauth2-cc?connect_session_token={token}";

        var good = await app.Http.PostAsJsonAsync(url, new { client_id = FakeProvider.ClientId, client_secret = FakeProvider.ClientSecret }, Server.Cancellation);
        var bad = await app.Http.PostAsJsonAsync(url, new { client_id = FakeProvider.ClientId, client_secret = "wrong" }, Server.Cancellation);
        var noId = await app.Http.PostAsJsonAsync(url, new { client_secret = "x" }, Server.Cancellation);
        var noSecret = await app.Http.PostAsJsonAsync(url, new { client_id = "x" }, Server.Cancellation);

        Assert.Equal(HttpStatusCode.OK, good.StatusCode);
        Assert.Equal("client_credentials_fetch_error", await bad.ErrorCodeAsync());
        Assert.Equal("missing_client_id", await noId.ErrorCodeAsync());
        Assert.Equal("missing_client_secret", await noSecret.ErrorCodeAsync());
        var connectionId = (await good.JsonAsync())["connectionId"]!.GetValue<string>();
        var credentials = (await (await app.Backend.GetAsync($"/connections/{connectionId}?provider_config_key=fake-oauth2-cc", Server.Cancellation)).JsonAsync())["credentials"]!;
        Assert.Equal("OAUTH2_CC", credentials["type"]!.GetValue<string>());
        Assert.Equal(app.Fake.CurrentAccessTokenOrNull, credentials["token"]!.GetValue<string>());
    }

    [Fact]
    public async Task NoCodeTokenOrStateAppearsInAnyLogLine()
    {
        await using var app = await Server.StartAsync();
        await OAuthIntegrationAsync(app);
        var sessionToken = await app.CreateSessionTokenAsync();
        using var browser = new OAuthBrowser();
        var callback = await browser.ReachCallbackAsync($"{app.BaseUrl}/oauth/connect/fake-oauth2?connect_session_token={sessionToken}");
        await browser.GetAsync(callback);
        await browser.GetAsync(callback);
        app.Fake.FailRefresh = true;
        var connectionId = (await (await app.Backend.GetAsync("/connections", Server.Cancellation)).JsonAsync())["connections"]![0]!["connection_id"]!.GetValue<string>();
        await app.Backend.GetAsync($"/connections/{connectionId}?provider_config_key=fake-oauth2&force_refresh=true", Server.Cancellation);

        var state = QueryHelpers.ParseQuery(new Uri(callback).Query)["state"].ToString();
        var secrets = app.Fake.IssuedSecrets.Append(state).Append(sessionToken).Append(FakeProvider.ClientSecret).ToArray();
        Assert.True(secrets.Length >= 5);
        foreach (var secret in secrets)
        {
            Assert.DoesNotContain(app.Logs.Lines, line => line.Contains(secret, StringComparison.Ordinal));
        }
    }
}
