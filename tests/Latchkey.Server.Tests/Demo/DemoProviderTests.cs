using System.Net;
using System.Net.Sockets;
using System.Text.Json.Nodes;
using Latchkey.Server.Demo;
using Microsoft.AspNetCore.WebUtilities;

namespace Latchkey.Server.Tests.Demo;

/// <summary>
/// Issue 17 item 5: the built-in demo provider lets a first connection be made offline, by API key and by OAuth 2,
/// and cannot hold a real secret. The outbound guard here refuses loopback (no LATCHKEY_OUTBOUND_ALLOW), so a demo call
/// that left the process would fail.
/// </summary>
public sealed class DemoProviderTests
{
    [Fact]
    public async Task Off_OutsideDevelopment_UnlessAskedFor()
    {
        await using var app = await Server.StartAsync();

        Assert.Equal(HttpStatusCode.NotFound, (await app.Http.GetAsync("/demo-provider/", Server.Cancellation)).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await app.Backend.GetAsync("/providers/latchkey-demo", Server.Cancellation)).StatusCode);
    }

    [Fact]
    public async Task ABadSetting_StopsStartUp()
    {
        var failure = await Assert.ThrowsAnyAsync<Exception>(() => Server.StartAsync(new Dictionary<string, string?> { ["LATCHKEY_DEMO_PROVIDER"] = "yes" }));

        Assert.Contains("LATCHKEY_DEMO_PROVIDER must be true or false.", failure.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task ApiKey_OfTheDocumentedShape_Connects_OthersAreRefused_AndTheProxyReachesTheDemo()
    {
        await using var app = await StartAsync();
        await app.CreateIntegrationAsync(DemoCatalog.ApiKeyProvider, "demo");
        var token = await app.CreateSessionTokenAsync();

        foreach (var wrong in new[] { "sk-live-51Habc0123456789", "demo_short", "demo_with space1", "DEMO_12345678" })
        {
            var refused = await app.Http.PostAsJsonAsync($"/api-auth/api-key/demo?connect_session_token={token}", new { apiKey = wrong }, Server.Cancellation);
            Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);
            Assert.Equal("connection_test_failed", await refused.ErrorCodeAsync());
        }

        var connectionId = await app.ConnectApiKeyAsync("demo", token, "demo_12345678");
        var connection = await (await app.Backend.GetAsync($"/connections/{connectionId}?provider_config_key=demo", Server.Cancellation)).JsonAsync();
        using var proxied = new HttpRequestMessage(HttpMethod.Get, "/proxy/me");
        proxied.Headers.Add("Connection-Id", connectionId);
        proxied.Headers.Add("Provider-Config-Key", "demo");
        var me = await (await app.Backend.SendAsync(proxied, Server.Cancellation)).JsonAsync();

        Assert.Equal("demo_12345678", connection["credentials"]!["apiKey"]!.GetValue<string>());
        Assert.StartsWith("Demo user ", me["name"]!.GetValue<string>(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task OAuth_ThePopupApproves_TheConnectionHoldsDemoTokens_ThatRefresh()
    {
        await using var app = await StartAsync();
        await CreateOAuthIntegrationAsync(app);
        using var browser = new OAuthBrowser();

        var consent = await OpenConsentAsync(app, browser);
        var page = await consent.Page.Content.ReadAsStringAsync(Server.Cancellation);
        Assert.Contains("Demo provider · nothing here is real", page, StringComparison.Ordinal);
        Assert.Contains("default-src 'none'", consent.Page.Headers.GetValues("Content-Security-Policy").Single(), StringComparison.Ordinal);

        var callback = await browser.PostFormAsync($"{app.BaseUrl}/demo-provider/oauth/authorize", [.. consent.Form, new("decision", "approve")]);
        var result = await browser.GetAsync(callback.Headers.Location!.ToString());
        Assert.Contains("<h1>Connected</h1>", await result.Content.ReadAsStringAsync(Server.Cancellation), StringComparison.Ordinal);

        var list = await (await app.Backend.GetAsync("/connections", Server.Cancellation)).JsonAsync();
        var connectionId = list["connections"]![0]!["connection_id"]!.GetValue<string>();
        var first = await CredentialsAsync(app, connectionId, refresh: false);
        var refreshed = await CredentialsAsync(app, connectionId, refresh: true);
        Assert.Matches("^demo_at_[0-9a-f]{32}$", first["access_token"]!.GetValue<string>());
        Assert.Matches("^demo_at_[0-9a-f]{32}$", refreshed["access_token"]!.GetValue<string>());
        Assert.NotEqual(first["access_token"]!.GetValue<string>(), refreshed["access_token"]!.GetValue<string>());
    }

    [Fact]
    public async Task OAuth_Deny_EndsTheFlowWithAccessDenied()
    {
        await using var app = await StartAsync();
        await CreateOAuthIntegrationAsync(app);
        using var browser = new OAuthBrowser();

        var consent = await OpenConsentAsync(app, browser);
        var callback = await browser.PostFormAsync($"{app.BaseUrl}/demo-provider/oauth/authorize", [.. consent.Form, new("decision", "deny")]);

        Assert.Contains("error=access_denied", callback.Headers.Location!.ToString(), StringComparison.Ordinal);
        var result = await (await browser.GetAsync(callback.Headers.Location!.ToString())).Content.ReadAsStringAsync(Server.Cancellation);
        Assert.Contains("Connection failed", result, StringComparison.Ordinal);
        Assert.Empty((await (await app.Backend.GetAsync("/connections", Server.Cancellation)).JsonAsync())["connections"]!.AsArray());
    }

    [Fact]
    public async Task Authorize_SendsCodesOnlyToThisServersCallback_AndTheTokenEndpointOnlyToTheDemoClient()
    {
        await using var app = await StartAsync();

        var elsewhere = await app.Http.GetAsync(
            "/demo-provider/oauth/authorize?response_type=code&client_id=latchkey-demo&state=s&redirect_uri=" + Uri.EscapeDataString("https://attacker.example/cb"),
            Server.Cancellation);
        var otherClient = await app.Http.PostAsync("/demo-provider/oauth/token", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["grant_type"] = "refresh_token", ["refresh_token"] = "demo_rt_" + new string('0', 32), ["client_id"] = "my-real-app", ["client_secret"] = "real-secret",
        }), Server.Cancellation);
        var meWithRealKey = await app.Http.SendAsync(new HttpRequestMessage(HttpMethod.Get, "/demo-provider/api/me") { Headers = { { "Authorization", "Bearer sk-proj-realkey" } } }, Server.Cancellation);

        Assert.Equal(HttpStatusCode.BadRequest, elsewhere.StatusCode);
        Assert.Null(elsewhere.Headers.Location);
        Assert.Contains("redirect_uri must be this server", await elsewhere.Content.ReadAsStringAsync(Server.Cancellation), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.Unauthorized, otherClient.StatusCode);
        Assert.Equal("invalid_client", (await otherClient.JsonAsync())["error"]!.GetValue<string>());
        Assert.Equal(HttpStatusCode.Unauthorized, meWithRealKey.StatusCode);
    }

    [Fact]
    public async Task Catalog_ListsBothDemoEntries_WithTheKeyShape_AndTranslatedHelp()
    {
        await using var app = await StartAsync();

        var english = (await (await app.Backend.GetAsync("/providers/latchkey-demo", Server.Cancellation)).JsonAsync())["data"]!;
        var french = (await (await app.Backend.GetAsync("/providers/latchkey-demo?lang=fr", Server.Cancellation)).JsonAsync())["data"]!;
        var oauth = (await (await app.Backend.GetAsync("/providers/latchkey-demo-oauth", Server.Cancellation)).JsonAsync())["data"]!;

        Assert.Equal(DemoProvider.KeyPattern, english["credentials"]!["apiKey"]!["pattern"]!.GetValue<string>());
        Assert.StartsWith("Inventée, jamais une vraie clé", french["credentials"]!["apiKey"]!["description"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Equal($"{app.BaseUrl}/demo-provider/oauth/authorize", oauth["authorization_url"]!.GetValue<string>());
    }

    private static async Task<TestApp> StartAsync()
    {
        using var probe = new TcpListener(IPAddress.Loopback, 0);
        probe.Start();
        var port = ((IPEndPoint)probe.LocalEndpoint).Port;
        probe.Stop();
        return await Server.StartAsync(new Dictionary<string, string?>
        {
            ["urls"] = $"http://127.0.0.1:{port}",
            ["LATCHKEY_DEMO_PROVIDER"] = "true",
            ["LATCHKEY_OUTBOUND_ALLOW"] = "",
        });
    }

    private static Task<string> CreateOAuthIntegrationAsync(TestApp app) => app.CreateIntegrationAsync(DemoCatalog.OAuthProvider, "demo-oauth",
        new { type = "OAUTH2", client_id = DemoProvider.ClientId, client_secret = DemoProvider.ClientSecret });

    // Starts the popup at /oauth/connect and stops at the demo's consent page, returning it and the form it carries.
    private static async Task<(HttpResponseMessage Page, List<KeyValuePair<string, string>> Form)> OpenConsentAsync(TestApp app, OAuthBrowser browser)
    {
        var token = await app.CreateSessionTokenAsync();
        var start = await browser.GetAsync($"{app.BaseUrl}/oauth/connect/demo-oauth?connect_session_token={token}");
        var authorize = start.Headers.Location!;
        Assert.StartsWith($"{app.BaseUrl}/demo-provider/oauth/authorize?", authorize.ToString(), StringComparison.Ordinal);
        var page = await browser.GetAsync(authorize.ToString());
        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        var query = QueryHelpers.ParseQuery(authorize.Query);
        var form = new[] { "state", "code_challenge", "code_challenge_method", "scope" }
            .Where(query.ContainsKey).Select(name => KeyValuePair.Create(name, query[name].ToString())).ToList();
        return (page, form);
    }

    private static async Task<JsonObject> CredentialsAsync(TestApp app, string connectionId, bool refresh)
    {
        var response = await app.Backend.GetAsync($"/connections/{connectionId}?provider_config_key=demo-oauth{(refresh ? "&force_refresh=true" : "")}", Server.Cancellation);
        return (await response.JsonAsync())["credentials"]!.AsObject();
    }
}
