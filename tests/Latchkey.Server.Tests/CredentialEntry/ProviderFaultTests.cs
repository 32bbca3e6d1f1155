using System.Net;
using System.Text.Json.Nodes;

namespace Latchkey.Server.Tests.CredentialEntry;

/// <summary>
/// Issue 17 item 1: a provider that cannot be reached, or that fails on its side, gave no verdict on the credentials.
/// It is reported as such (502 provider_unreachable / provider_error, in the API and the auth log), never as a refusal.
/// </summary>
public sealed class ProviderFaultTests
{
    private static readonly Dictionary<string, string?> OneSecondTimeout = new() { ["LATCHKEY_OUTBOUND_TIMEOUT_SECONDS"] = "1" };

    [Theory]
    [InlineData("fake-unreachable", "provider_unreachable", "the connection failed")] // nothing listens on 127.0.0.1:1
    [InlineData("fake-slow", "provider_unreachable", "the request timed out")]
    [InlineData("fake-unavailable", "provider_error", "HTTP 503")]
    [InlineData("fake-erroring", "provider_error", "HTTP 500")]
    public async Task Verification_WithoutAVerdict_Is502WithItsOwnType_InTheApiAndTheAuthLog(string provider, string code, string detail)
    {
        await using var app = await Server.StartAsync(OneSecondTimeout);
        await app.CreateIntegrationAsync(provider);
        var token = await app.CreateSessionTokenAsync();

        var response = provider == "fake-erroring"
            ? await app.Http.PostAsJsonAsync($"/api-auth/basic/{provider}?connect_session_token={token}", new { username = FakeProvider.GoodUsername, password = FakeProvider.GoodPassword }, Server.Cancellation)
            : await app.Http.PostAsJsonAsync($"/api-auth/api-key/{provider}?connect_session_token={token}", new { apiKey = FakeProvider.GoodApiKey }, Server.Cancellation);

        Assert.Equal(HttpStatusCode.BadGateway, response.StatusCode);
        var error = (await response.JsonAsync())["error"]!;
        Assert.Equal(code, error["code"]!.GetValue<string>());
        var message = error["message"]!.GetValue<string>();
        Assert.Contains(detail, message, StringComparison.Ordinal);
        Assert.Contains("try again later", message, StringComparison.Ordinal);
        Assert.DoesNotContain("did not accept", message, StringComparison.Ordinal);
        Assert.Equal("""{"connections":[]}""", await (await app.Backend.GetAsync("/connections", Server.Cancellation)).Content.ReadAsStringAsync(Server.Cancellation));

        var entry = await FailureLogAsync(app, provider);
        Assert.Equal(code, entry["error_type"]!.GetValue<string>());
        Assert.Equal(message, entry["message"]!.GetValue<string>());
        var step = entry["steps"]!.AsArray().Single(s => s!["name"]!.GetValue<string>() == "verify credentials")!;
        Assert.Contains("no verdict", step["detail"]!.GetValue<string>(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Verification_RefusedWith401_IsStillConnectionTestFailed_InTheApiAndTheAuthLog()
    {
        await using var app = await Server.StartAsync();
        await app.CreateIntegrationAsync("fake-apikey");
        var token = await app.CreateSessionTokenAsync();

        var response = await app.Http.PostAsJsonAsync($"/api-auth/api-key/fake-apikey?connect_session_token={token}", new { apiKey = "wrong" }, Server.Cancellation);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("connection_test_failed", await response.ErrorCodeAsync());
        var entry = await FailureLogAsync(app, "fake-apikey");
        Assert.Equal("connection_test_failed", entry["error_type"]!.GetValue<string>());
        Assert.Contains(entry["steps"]!.AsArray(), s => s!["detail"]!.GetValue<string>() == "refused by the provider");
    }

    [Fact]
    public async Task Import_AtAnUnreachableProvider_IsProviderUnreachable()
    {
        await using var app = await Server.StartAsync();
        await app.CreateIntegrationAsync("fake-unreachable");

        var response = await app.Backend.PostAsJsonAsync("/connections", new
        {
            provider_config_key = "fake-unreachable",
            connection_id = "imported-1",
            credentials = new { type = "API_KEY", apiKey = FakeProvider.GoodApiKey },
        }, Server.Cancellation);

        Assert.Equal(HttpStatusCode.BadGateway, response.StatusCode);
        Assert.Equal("provider_unreachable", await response.ErrorCodeAsync());
    }

    [Fact]
    public async Task Refresh_WhileTheTokenEndpointIsDown_IsProviderError_NotARefusedRefresh()
    {
        await using var app = await Server.StartAsync();
        await app.CreateIntegrationAsync("fake-oauth2", credentials: new { type = "OAUTH2", client_id = FakeProvider.ClientId, client_secret = FakeProvider.ClientSecret, scopes = "read" });
        await using var socket = await SdkSocket.ConnectAsync(app.BaseUrl);
        using var browser = new OAuthBrowser();
        await browser.CompleteAsync($"{app.BaseUrl}/oauth/connect/fake-oauth2?connect_session_token={await app.CreateSessionTokenAsync()}&ws_client_id={socket.ClientId}");
        var connectionId = (await socket.ReceiveAsync(TimeSpan.FromSeconds(10)))!["connection_id"]!.GetValue<string>();
        app.Fake.TokenEndpointOutage = 503;

        var read = await app.Backend.GetAsync($"/connections/{connectionId}?provider_config_key=fake-oauth2&force_refresh=true", Server.Cancellation);

        Assert.Equal(HttpStatusCode.BadGateway, read.StatusCode);
        var error = (await read.JsonAsync())["error"]!;
        Assert.Equal("provider_error", error["code"]!.GetValue<string>());
        Assert.Equal("provider_error", error["payload"]!["type"]!.GetValue<string>());
        Assert.Contains("HTTP 503", error["message"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Equal("provider_error", (await FailureLogAsync(app, "fake-oauth2"))["error_type"]!.GetValue<string>());
    }

    [Fact]
    public async Task CodeExchange_WhileTheTokenEndpointIsDown_EndsTheFlowWithProviderError()
    {
        await using var app = await Server.StartAsync();
        await app.CreateIntegrationAsync("fake-oauth2", credentials: new { type = "OAUTH2", client_id = FakeProvider.ClientId, client_secret = FakeProvider.ClientSecret, scopes = "read" });
        await using var socket = await SdkSocket.ConnectAsync(app.BaseUrl);
        using var browser = new OAuthBrowser();
        app.Fake.TokenEndpointOutage = 502;

        var page = await browser.CompleteAsync($"{app.BaseUrl}/oauth/connect/fake-oauth2?connect_session_token={await app.CreateSessionTokenAsync()}&ws_client_id={socket.ClientId}");
        var outcome = await socket.ReceiveAsync(TimeSpan.FromSeconds(10));

        Assert.Equal(HttpStatusCode.BadRequest, page.StatusCode);
        Assert.Contains("\"errorType\":\"provider_error\"", await page.Content.ReadAsStringAsync(Server.Cancellation), StringComparison.Ordinal);
        Assert.Equal("provider_error", outcome!["error_type"]!.GetValue<string>());
        Assert.Contains("HTTP 502", outcome["error_desc"]!.GetValue<string>(), StringComparison.Ordinal);
    }

    private static async Task<JsonObject> FailureLogAsync(TestApp app, string integration)
    {
        for (var i = 0; i < 100; i++)
        {
            var logs = (await (await app.Backend.GetAsync($"/logs?integration={integration}&outcome=failure", Server.Cancellation)).JsonAsync())["data"]!.AsArray();
            if (logs.Count > 0)
            {
                return logs[0]!.AsObject();
            }

            await Task.Delay(50, Server.Cancellation);
        }

        throw new TimeoutException($"No failure was logged for {integration}.");
    }
}
