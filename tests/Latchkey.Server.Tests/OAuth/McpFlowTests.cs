using System.Net;
using System.Net.Http.Headers;
using System.Text.Json.Nodes;

namespace Latchkey.Server.Tests.OAuth;

/// <summary>MCP_OAUTH2 and MCP_OAUTH2_GENERIC through the real server, against the fake MCP servers of the TestKit.</summary>
public sealed class McpFlowTests
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(10);

    /// <summary>One popup flow; returns the result page and the WebSocket's outcome message.</summary>
    internal static async Task<(HttpResponseMessage Page, JsonObject Message)> ConnectAsync(TestApp app, string integration, string extraQuery = "")
    {
        await using var socket = await SdkSocket.ConnectAsync(app.BaseUrl);
        using var browser = new OAuthBrowser();
        var url = $"{app.BaseUrl}/oauth/connect/{integration}?connect_session_token={await app.CreateSessionTokenAsync()}&ws_client_id={socket.ClientId}{extraQuery}";
        var start = await browser.GetAsync(url);
        var page = start.StatusCode == HttpStatusCode.Redirect ? await browser.CompleteAsync(url) : start;
        return (page, (await socket.ReceiveAsync(Wait))!);
    }

    private static async Task<JsonObject> CredentialsAsync(TestApp app, string integration, string connectionId, string extra = "")
    {
        var response = await app.Backend.GetAsync($"/connections/{connectionId}?provider_config_key={integration}&refresh_token=true{extra}", Server.Cancellation);
        await app.Http.EnsureSuccessAsync(response);
        return (await response.JsonAsync())["credentials"]!.AsObject();
    }

    private static async Task<HttpStatusCode> CallMcpAsync(TestApp app, string serverUrl, string accessToken)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, serverUrl) { Content = JsonContent.Create(new { jsonrpc = "2.0", id = 1, method = "tools/list" }) };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", accessToken);
        return (await app.Http.SendAsync(request, Server.Cancellation)).StatusCode;
    }

    [Fact]
    public async Task McpOAuth2_DiscoversRegistersAndConnects_WithPkceAndTheResource()
    {
        await using var app = await Server.StartAsync();
        await app.CreateIntegrationAsync("fake-mcp"); // no client credentials: Latchkey registers itself

        var (page, message) = await ConnectAsync(app, "fake-mcp");

        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        Assert.Equal("success", message["message_type"]!.GetValue<string>());
        Assert.Equal(1, app.Fake.McpRegistrations);
        var authorize = app.Fake.LastMcpAuthorizeQuery!;
        Assert.StartsWith("mcp-client-", authorize["client_id"].ToString(), StringComparison.Ordinal);
        Assert.Equal("S256", authorize["code_challenge_method"].ToString());
        Assert.Equal(app.Fake.McpServerUrl(), authorize["resource"].ToString());
        Assert.Equal(FakeProvider.McpScope, authorize["scope"].ToString()); // suggested by the server's resource metadata
        Assert.Equal(app.Fake.McpServerUrl(), app.Fake.LastMcpTokenForm!["resource"]);
        Assert.False(app.Fake.LastMcpTokenForm.ContainsKey("client_secret"));

        var credentials = await CredentialsAsync(app, "fake-mcp", message["connection_id"]!.GetValue<string>());
        Assert.Equal("OAUTH2", credentials["type"]!.GetValue<string>());
        Assert.StartsWith("mrt_", credentials["refresh_token"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.NotNull(credentials["expires_at"]);
        Assert.Equal(HttpStatusCode.OK, await CallMcpAsync(app, app.Fake.McpServerUrl(), credentials["access_token"]!.GetValue<string>()));
    }

    [Fact]
    public async Task SecondFlow_ReusesTheRegisteredClient()
    {
        await using var app = await Server.StartAsync();
        await app.CreateIntegrationAsync("fake-mcp");

        await ConnectAsync(app, "fake-mcp");
        var firstClient = app.Fake.LastMcpAuthorizeQuery!["client_id"].ToString();
        var (_, second) = await ConnectAsync(app, "fake-mcp");

        Assert.Equal("success", second["message_type"]!.GetValue<string>());
        Assert.Equal(1, app.Fake.McpRegistrations);
        Assert.Equal(firstClient, app.Fake.LastMcpAuthorizeQuery!["client_id"].ToString());
        Assert.Equal(2, app.Fake.McpCodeExchanges);
    }

    [Fact]
    public async Task ForceRefresh_UsesTheRegisteredConfidentialClient_AtTheDiscoveredTokenEndpoint()
    {
        await using var app = await Server.StartAsync();
        app.Fake.McpTokenEndpointAuthMethod = "client_secret_post";
        await app.CreateIntegrationAsync("fake-mcp");
        var (_, message) = await ConnectAsync(app, "fake-mcp");
        var connectionId = message["connection_id"]!.GetValue<string>();
        var before = await CredentialsAsync(app, "fake-mcp", connectionId);

        var after = await CredentialsAsync(app, "fake-mcp", connectionId, "&force_refresh=true");

        Assert.Equal(1, app.Fake.McpRefreshCalls);
        Assert.Equal("refresh_token", app.Fake.LastMcpTokenForm!["grant_type"]);
        Assert.Equal(app.Fake.McpServerUrl(), app.Fake.LastMcpTokenForm["resource"]);
        Assert.StartsWith("mcs_", app.Fake.LastMcpTokenForm["client_secret"], StringComparison.Ordinal);
        Assert.NotEqual(before["access_token"]!.GetValue<string>(), after["access_token"]!.GetValue<string>());
        Assert.NotEqual(before["refresh_token"]!.GetValue<string>(), after["refresh_token"]!.GetValue<string>());
        Assert.Equal(HttpStatusCode.OK, await CallMcpAsync(app, app.Fake.McpServerUrl(), after["access_token"]!.GetValue<string>()));
    }

    [Fact]
    public async Task Generic_ConnectsTheServerOfEachConnection_WithOneRegistrationPerServer()
    {
        await using var app = await Server.StartAsync();
        await app.CreateIntegrationAsync("fake-mcp-generic");

        // /mcp-alt names no metadata in its 401: it is found at its well-known URL.
        var (_, alt) = await ConnectAsync(app, "fake-mcp-generic", $"&params[mcp_server_url]={Uri.EscapeDataString(app.Fake.McpServerUrl("mcp-alt"))}");
        var altResource = app.Fake.LastMcpAuthorizeQuery!["resource"].ToString();
        var (_, main) = await ConnectAsync(app, "fake-mcp-generic", $"&params[mcp_server_url]={Uri.EscapeDataString(app.Fake.McpServerUrl())}");
        var (_, again) = await ConnectAsync(app, "fake-mcp-generic", $"&params[mcp_server_url]={Uri.EscapeDataString(app.Fake.McpServerUrl("mcp-alt"))}");

        Assert.All([alt, main, again], m => Assert.Equal("success", m["message_type"]!.GetValue<string>()));
        Assert.Equal(app.Fake.McpServerUrl("mcp-alt"), altResource);
        Assert.Equal(2, app.Fake.McpRegistrations);
        var altCredentials = await CredentialsAsync(app, "fake-mcp-generic", alt["connection_id"]!.GetValue<string>(), "&force_refresh=true");
        Assert.Equal(HttpStatusCode.OK, await CallMcpAsync(app, app.Fake.McpServerUrl("mcp-alt"), altCredentials["access_token"]!.GetValue<string>()));
        Assert.Equal(HttpStatusCode.Unauthorized, await CallMcpAsync(app, app.Fake.McpServerUrl(), altCredentials["access_token"]!.GetValue<string>()));
    }

    [Fact]
    public async Task DiscoveryFailure_EndsTheFlow_OnThePageAndTheSocket()
    {
        await using var app = await Server.StartAsync();
        await app.CreateIntegrationAsync("fake-mcp");
        app.Fake.McpMetadataMissing = true;

        var (page, message) = await ConnectAsync(app, "fake-mcp");

        Assert.Equal(HttpStatusCode.BadRequest, page.StatusCode);
        Assert.Equal("provider_config_err", message["error_type"]!.GetValue<string>());
        Assert.Contains("could not be discovered", message["error_desc"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Contains("provider_config_err", await page.Content.ReadAsStringAsync(Server.Cancellation), StringComparison.Ordinal);
        Assert.Equal(0, app.Fake.McpRegistrations);
    }

    [Fact]
    public async Task RefusedRegistration_EndsTheFlow_WithTheServersReason()
    {
        await using var app = await Server.StartAsync();
        await app.CreateIntegrationAsync("fake-mcp");
        app.Fake.McpRefuseRegistration = true;

        var (page, message) = await ConnectAsync(app, "fake-mcp");

        Assert.Equal(HttpStatusCode.BadRequest, page.StatusCode);
        Assert.Equal("provider_config_err", message["error_type"]!.GetValue<string>());
        Assert.Contains("refused the registration: invalid_client_metadata", message["error_desc"]!.GetValue<string>(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("http://169.254.169.254/mcp", "private, loopback or link-local")]
    [InlineData("not a url", "mcp_server_url")]
    public async Task Generic_WithABadServerUrl_EndsTheFlow_WithoutReachingIt(string serverUrl, string reason)
    {
        await using var app = await Server.StartAsync();
        await app.CreateIntegrationAsync("fake-mcp-generic");

        var (page, message) = await ConnectAsync(app, "fake-mcp-generic", $"&params[mcp_server_url]={Uri.EscapeDataString(serverUrl)}");

        Assert.Equal(HttpStatusCode.BadRequest, page.StatusCode);
        Assert.Equal("error", message["message_type"]!.GetValue<string>());
        Assert.Contains(reason, message["error_desc"]!.GetValue<string>(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Integration_WithItsOwnPublicClient_IsUsedWithoutRegistration()
    {
        await using var app = await Server.StartAsync();
        await app.CreateIntegrationAsync("fake-mcp");
        await ConnectAsync(app, "fake-mcp"); // registers a client at the fake, which we then configure as the integration's own
        var registered = app.Fake.LastMcpAuthorizeQuery!["client_id"].ToString();
        await app.CreateIntegrationAsync("fake-mcp", "mcp-static", new { type = "MCP_OAUTH2", client_id = registered });

        var (_, message) = await ConnectAsync(app, "mcp-static");
        var shown = await (await app.Backend.GetAsync("/integrations/mcp-static?include=credentials", Server.Cancellation)).JsonAsync();

        Assert.Equal("success", message["message_type"]!.GetValue<string>());
        Assert.Equal(1, app.Fake.McpRegistrations);
        Assert.Equal(registered, app.Fake.LastMcpAuthorizeQuery!["client_id"].ToString());
        Assert.Equal("MCP_OAUTH2", shown["data"]!["credentials"]!["type"]!.GetValue<string>());
    }
}
