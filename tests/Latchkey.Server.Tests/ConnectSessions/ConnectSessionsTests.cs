using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.RegularExpressions;
using Microsoft.Extensions.Time.Testing;

namespace Latchkey.Server.Tests.ConnectSessions;

public sealed partial class ConnectSessionsTests
{
    [Fact]
    public async Task Create_Answers201_WithTokenLinkAndExpiry()
    {
        var clock = new FakeTimeProvider(new DateTimeOffset(2026, 5, 1, 12, 0, 0, TimeSpan.Zero));
        await using var app = await Server.StartAsync(clock: clock);

        var response = await app.Backend.PostAsJsonAsync("/connect/sessions", new { end_user = new { id = "u_42", email = "ada@example.com" } }, Server.Cancellation);

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        var data = (await response.JsonAsync())["data"]!;
        var token = data["token"]!.GetValue<string>();
        Assert.Matches(TokenPattern(), token);
        Assert.Equal("2026-05-01T12:30:00.000Z", data["expires_at"]!.GetValue<string>());
        Assert.Equal($"{app.BaseUrl}/connect-ui/?session_token={token}&apiURL={Uri.EscapeDataString(app.BaseUrl)}", data["connect_link"]!.GetValue<string>());
    }

    [Fact]
    public async Task Get_ReturnsTheSessionInTheSpecsMixedCasing()
    {
        await using var app = await Server.StartAsync();
        await app.CreateIntegrationAsync("fake-region");
        var token = await app.CreateSessionTokenAsync(new
        {
            end_user = new { id = "u_42", email = "ada@example.com", display_name = "Ada" },
            organization = new { id = "org_1" },
            allowed_integrations = new[] { "fake-region" },
            integrations_config_defaults = new Dictionary<string, object>
            {
                ["fake-region"] = new { connection_config = new { region = "eu" }, user_scopes = "chat:write" },
            },
        });

        var data = (await (await GetSessionAsync(app, token)).JsonAsync())["data"]!;

        Assert.Equal("u_42", data["endUser"]!["id"]!.GetValue<string>());
        Assert.Equal("org_1", data["endUser"]!["organization"]!["id"]!.GetValue<string>());
        Assert.Equal("system", data["connectUISettings"]!["defaultTheme"]!.GetValue<string>());
        Assert.NotNull(data["connectUISettings"]!["theme"]!["light"]!["primary"]);
        Assert.False(data["connectUISettings"]!["showWatermark"]!.GetValue<bool>());
        Assert.Equal("""["fake-region"]""", data["allowed_integrations"]!.ToJsonString());
        Assert.Equal("eu", data["integrations_config_defaults"]!["fake-region"]!["connection_config"]!["region"]!.GetValue<string>());
        Assert.Null(data["integrations_config_defaults"]!["fake-region"]!["user_scopes"]);
        Assert.Null(data["isReconnecting"]);
        Assert.Equal("/", data["websocketsPath"]!.GetValue<string>());
    }

    [Fact]
    public async Task TagsOnly_IsEnough_AndEndUserIsNull()
    {
        await using var app = await Server.StartAsync();
        var token = await app.CreateSessionTokenAsync(new { tags = new { end_user_id = "u1", Plan = "pro" } });

        var data = (await (await GetSessionAsync(app, token)).JsonAsync())["data"]!;

        Assert.Null(data["endUser"]);
    }

    [Fact]
    public async Task Token_AfterThirtyMinutes_IsUnknown()
    {
        var clock = new FakeTimeProvider(DateTimeOffset.UtcNow);
        await using var app = await Server.StartAsync(clock: clock);
        var token = await app.CreateSessionTokenAsync();

        clock.Advance(TimeSpan.FromMinutes(29));
        var stillValid = await GetSessionAsync(app, token);
        clock.Advance(TimeSpan.FromMinutes(2));
        var expired = await GetSessionAsync(app, token);

        Assert.Equal(HttpStatusCode.OK, stillValid.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, expired.StatusCode);
        Assert.Equal("unknown_connect_session_token", await expired.ErrorCodeAsync());
    }

    [Fact]
    public async Task ExpiresIn_SetsALongerLifetime_WithinBounds()
    {
        var clock = new FakeTimeProvider(new DateTimeOffset(2026, 5, 1, 12, 0, 0, TimeSpan.Zero));
        await using var app = await Server.StartAsync(clock: clock);

        var day = await app.Backend.PostAsJsonAsync("/connect/sessions", new { tags = new { end_user_id = "u" }, expires_in = 86400 }, Server.Cancellation);
        var tooLong = await app.Backend.PostAsJsonAsync("/connect/sessions", new { tags = new { end_user_id = "u" }, expires_in = 60 * 86400 }, Server.Cancellation);

        Assert.Equal("2026-05-02T12:00:00.000Z", (await day.JsonAsync())["data"]!["expires_at"]!.GetValue<string>());
        Assert.Equal("invalid_body", await tooLong.ErrorCodeAsync());
    }

    [Fact]
    public async Task Delete_EndsTheSessionAtOnce()
    {
        await using var app = await Server.StartAsync();
        var token = await app.CreateSessionTokenAsync();
        using var delete = new HttpRequestMessage(HttpMethod.Delete, "/connect/session");
        delete.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);

        var deleted = await app.Http.SendAsync(delete, Server.Cancellation);
        var after = await GetSessionAsync(app, token);

        Assert.Equal(HttpStatusCode.NoContent, deleted.StatusCode);
        Assert.Equal("unknown_connect_session_token", await after.ErrorCodeAsync());
    }

    [Fact]
    public async Task Reconnect_TargetsAnExistingConnection()
    {
        await using var app = await Server.StartAsync();
        await app.CreateIntegrationAsync("fake-apikey");
        var connectionId = await app.ConnectApiKeyAsync("fake-apikey", await app.CreateSessionTokenAsync());

        var created = await app.Backend.PostAsJsonAsync("/connect/sessions/reconnect", new { connection_id = connectionId, integration_id = "fake-apikey" }, Server.Cancellation);
        var unknown = await app.Backend.PostAsJsonAsync("/connect/sessions/reconnect", new { connection_id = "nope", integration_id = "fake-apikey" }, Server.Cancellation);
        var token = (await created.JsonAsync())["data"]!["token"]!.GetValue<string>();
        var data = (await (await GetSessionAsync(app, token)).JsonAsync())["data"]!;

        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        Assert.True(data["isReconnecting"]!.GetValue<bool>());
        Assert.Equal("""["fake-apikey"]""", data["allowed_integrations"]!.ToJsonString());
        Assert.Equal("user-1", data["endUser"]!["id"]!.GetValue<string>());
        Assert.Equal("invalid_body", await unknown.ErrorCodeAsync());
    }

    [Fact]
    public async Task Create_WhenTheConnectionLimitIsReached_IsResourceCapped()
    {
        await using var app = await Server.StartAsync(new Dictionary<string, string?> { ["LATCHKEY_CONNECTION_LIMIT"] = "1" });
        await app.CreateIntegrationAsync("fake-apikey");
        await app.ConnectApiKeyAsync("fake-apikey", await app.CreateSessionTokenAsync());

        var response = await app.Backend.PostAsJsonAsync("/connect/sessions", new { tags = new { end_user_id = "u" } }, Server.Cancellation);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("resource_capped", await response.ErrorCodeAsync());
    }

    public static TheoryData<string, string[]> BadBodies => new()
    {
        { "{}", ["end_user"] },
        { """{"end_user":{}}""", ["end_user", "id"] },
        { """{"end_user":{"id":"u","email":"not-an-email"}}""", ["end_user", "email"] },
        { """{"end_user":{"id":"u","nickname":"x"}}""", ["end_user"] },
        { """{"tags":{"end_user_id":"u"},"allowed_integrations":["missing"]}""", ["allowed_integrations", "0"] },
        { """{"tags":{"end_user_id":"u"},"integrations_config_defaults":{"missing":{}}}""", ["integrations_config_defaults", "missing"] },
        { """{"tags":{"1bad":"u"}}""", ["tags", "1bad"] },
        { """{"tags":{"a":"1","A":"2"}}""", ["tags", "A"] },
        { """{"tags":{"end_user_email":"nope"}}""", ["tags", "end_user_email"] },
        { """{"tags":{"a":"1","b":"1","c":"1","d":"1","e":"1","f":"1","g":"1","h":"1","i":"1","j":"1","k":"1"}}""", ["tags"] },
        { """{"tags":{"end_user_id":"u"},"webhook_url_override":"ftp://x"}""", ["webhook_url_override"] },
        { """{"tags":{"end_user_id":"u"},"unexpected":1}""", [] },
        { """[]""", [] },
    };

    [Theory]
    [MemberData(nameof(BadBodies))]
    public async Task Create_WithBadInput_IsInvalidBody_AtThePath(string body, string[] path)
    {
        await using var app = await Server.StartAsync();

        var response = await app.Backend.PostAsync("/connect/sessions", new StringContent(body, Encoding.UTF8, "application/json"), Server.Cancellation);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var error = (await response.JsonAsync())["error"]!;
        Assert.Equal("invalid_body", error["code"]!.GetValue<string>());
        Assert.Contains(error["errors"]!.AsArray(), issue => issue!["path"]!.AsArray().Select(p => p!.GetValue<string>()).SequenceEqual(path));
    }

    [Fact]
    public async Task Create_WithAQueryString_IsInvalidQueryParams()
    {
        await using var app = await Server.StartAsync();

        var response = await app.Backend.PostAsJsonAsync("/connect/sessions?x=1", new { tags = new { end_user_id = "u" } }, Server.Cancellation);

        Assert.Equal("invalid_query_params", await response.ErrorCodeAsync());
    }

    [Fact]
    public async Task Telemetry_ValidBeacon_Is204_AndAnUnknownToken401()
    {
        await using var app = await Server.StartAsync();
        var token = await app.CreateSessionTokenAsync();
        var now = DateTimeOffset.UtcNow.ToString("O", System.Globalization.CultureInfo.InvariantCulture);

        var ok = await app.Http.PostAsJsonAsync("/connect/telemetry", new { token, @event = "open", timestamp = now }, Server.Cancellation);
        var missing = await app.Http.PostAsJsonAsync("/connect/telemetry", new { @event = "open", timestamp = now }, Server.Cancellation);
        var badEvent = await app.Http.PostAsJsonAsync("/connect/telemetry", new { token, @event = "dance", timestamp = now }, Server.Cancellation);

        Assert.Equal(HttpStatusCode.NoContent, ok.StatusCode);
        Assert.Equal("missing_auth_header", await missing.ErrorCodeAsync());
        Assert.Equal("invalid_body", await badEvent.ErrorCodeAsync());
    }

    private static Task<HttpResponseMessage> GetSessionAsync(TestApp app, string token)
    {
        var request = new HttpRequestMessage(HttpMethod.Get, "/connect/session");
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return app.Http.SendAsync(request, Server.Cancellation);
    }

    [GeneratedRegex("^nango_connect_session_[a-f0-9]{64}$")]
    private static partial Regex TokenPattern();
}
