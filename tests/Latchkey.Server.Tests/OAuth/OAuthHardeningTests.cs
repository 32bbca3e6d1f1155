using System.Net;
using System.Net.Sockets;
using System.Text.Json.Nodes;

namespace Latchkey.Server.Tests.OAuth;

/// <summary>
/// F1, F2 and the callback that carries both a code and an error: what an end user holding a session token can send
/// through the OAuth entry points, on a real server with a custom catalog entry that has no <c>pattern</c>.
/// </summary>
public sealed class OAuthHardeningTests
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(10);

    private static string CustomEntries(string fake) => $$"""

        custom-host:
          display_name: Custom Host
          docs: https://docs.example.test/custom
          auth_mode: OAUTH2
          authorization_url: http://${connectionConfig.subdomain}.example.test/oauth/authorize
          token_url: http://${connectionConfig.subdomain}.example.test/oauth/token
          connection_config:
            subdomain:
              type: string
              title: Subdomain
              description: Your account's subdomain

        custom-token-host:
          display_name: Custom Token Host
          docs: https://docs.example.test/custom
          auth_mode: OAUTH2
          authorization_url: {{fake}}/oauth/authorize
          token_url: http://${connectionConfig.subdomain}.example.test/oauth/token
          connection_config:
            subdomain:
              type: string
              title: Subdomain
              description: Your account's subdomain

        custom-automated:
          alias: fake-oauth2
          display_name: Fake OAuth with an automated field
          connection_config:
            team.id:
              type: string
              title: Team
              description: Filled from the token response
              automated: true
        """;

    private static async Task<(TestApp App, FakeProvider Fake)> StartAsync()
    {
        var fake = await FakeProvider.StartAsync();
        var folder = Directory.CreateTempSubdirectory("latchkey-custom-").FullName;
        var file = Path.Combine(folder, "providers.yaml");
        await File.WriteAllTextAsync(file, FakeCatalog.Yaml(fake.BaseUrl, fake.TlsBaseUrl) + CustomEntries(fake.BaseUrl), Server.Cancellation);
        var output = TestContext.Current.TestOutputHelper;
        var app = await TestApp.StartAsync(new Dictionary<string, string?> { ["LATCHKEY_PROVIDERS_FILE"] = file }, fake: fake,
            echo: output is null ? null : line => output.WriteLine(line));
        return (app, fake);
    }

    private static Task<string> IntegrationAsync(TestApp app, string provider) =>
        app.CreateIntegrationAsync(provider, credentials: new { type = "OAUTH2", client_id = FakeProvider.ClientId, client_secret = FakeProvider.ClientSecret, scopes = "read" });

    [Theory]
    [InlineData("custom-host", "127.0.0.1:{trap}/steal?")]
    [InlineData("custom-host", "127.0.0.1:{trap}#")]
    [InlineData("custom-host", "x@127.0.0.1:{trap}")]
    [InlineData("custom-token-host", "127.0.0.1:{trap}/steal?")]
    [InlineData("custom-token-host", "127.0.0.1:{trap}\\")]
    public async Task HostPlaceholderWithoutPattern_NeverSendsTheBrowserOrTheClientSecretElsewhere(string provider, string attack)
    {
        using var trap = new TcpListener(IPAddress.Loopback, 0);
        trap.Start();
        var trapPort = ((IPEndPoint)trap.LocalEndpoint).Port;
        var (app, fake) = await StartAsync();
        await using var _ = fake;
        await using var __ = app;
        await IntegrationAsync(app, provider);
        var token = await app.CreateSessionTokenAsync();
        using var browser = new OAuthBrowser();

        var value = Uri.EscapeDataString(attack.Replace("{trap}", trapPort.ToString(System.Globalization.CultureInfo.InvariantCulture), StringComparison.Ordinal));
        var start = await browser.GetAsync($"{app.BaseUrl}/oauth/connect/{provider}?connect_session_token={token}&params[subdomain]={value}");
        var page = await start.Content.ReadAsStringAsync(Server.Cancellation);

        Assert.Equal(HttpStatusCode.BadRequest, start.StatusCode);
        Assert.Null(start.Headers.Location);
        Assert.Contains("url_param_err", page, StringComparison.Ordinal);
        Assert.Contains("Subdomain", page, StringComparison.Ordinal);
        Assert.False(trap.Pending(), "something connected to the attacker's host");
        Assert.Equal(0, fake.CodeExchanges);
    }

    [Fact]
    public async Task AutomatedField_FromTheEndUser_IsDropped_AndTheTokenResponseWins()
    {
        var (app, fake) = await StartAsync();
        await using var _ = fake;
        await using var __ = app;
        await IntegrationAsync(app, "custom-automated");
        var token = await app.CreateSessionTokenAsync();
        using var browser = new OAuthBrowser();

        var page = await browser.CompleteAsync($"{app.BaseUrl}/oauth/connect/custom-automated?connect_session_token={token}&params[team.id]=attacker");

        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        var list = await (await app.Backend.GetAsync("/connections", Server.Cancellation)).JsonAsync();
        var connectionId = list["connections"]![0]!["connection_id"]!.GetValue<string>();
        var connection = await (await app.Backend.GetAsync($"/connections/{connectionId}?provider_config_key=custom-automated", Server.Cancellation)).JsonAsync();
        Assert.Equal("T-42", connection["connection_config"]!["team.id"]!.GetValue<string>());
    }

    [Fact]
    public async Task AutomatedField_SetByTheSession_StillLosesToTheTokenResponse()
    {
        var (app, fake) = await StartAsync();
        await using var _ = fake;
        await using var __ = app;
        await IntegrationAsync(app, "custom-automated");
        var token = await app.CreateSessionTokenAsync(new
        {
            end_user = new { id = "u-1" },
            integrations_config_defaults = new JsonObject { ["custom-automated"] = new JsonObject { ["connection_config"] = new JsonObject { ["team.id"] = "from-session" } } },
        });
        using var browser = new OAuthBrowser();

        await browser.CompleteAsync($"{app.BaseUrl}/oauth/connect/custom-automated?connect_session_token={token}");

        var list = await (await app.Backend.GetAsync("/connections", Server.Cancellation)).JsonAsync();
        var connectionId = list["connections"]![0]!["connection_id"]!.GetValue<string>();
        var connection = await (await app.Backend.GetAsync($"/connections/{connectionId}?provider_config_key=custom-automated", Server.Cancellation)).JsonAsync();
        Assert.Equal("T-42", connection["connection_config"]!["team.id"]!.GetValue<string>());
    }

    [Fact]
    public async Task CallbackWithBothCodeAndError_Fails_AndSavesNothing()
    {
        await using var app = await Server.StartAsync();
        await IntegrationAsync(app, "fake-oauth2");
        var token = await app.CreateSessionTokenAsync();
        using var browser = new OAuthBrowser();

        var callback = await browser.ReachCallbackAsync($"{app.BaseUrl}/oauth/connect/fake-oauth2?connect_session_token={token}");
        var page = await browser.GetAsync(callback + "&error=access_denied");

        Assert.Equal(HttpStatusCode.BadRequest, page.StatusCode);
        Assert.Contains("callback_err", await page.Content.ReadAsStringAsync(Server.Cancellation), StringComparison.Ordinal);
        Assert.Equal(0, app.Fake.CodeExchanges);
        Assert.Equal("""{"connections":[]}""", await (await app.Backend.GetAsync("/connections", Server.Cancellation)).Content.ReadAsStringAsync(Server.Cancellation));
    }
}
