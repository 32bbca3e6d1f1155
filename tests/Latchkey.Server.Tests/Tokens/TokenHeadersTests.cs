using System.Net;
using System.Text;
using static Latchkey.Server.Tests.Tokens.ClientCredentialsRequests;

namespace Latchkey.Server.Tests.Tokens;

/// <summary>
/// <c>token_headers</c> (spec §8.2) on OAuth 2 token requests: the code exchange, its refresh, client credentials and
/// their renewal all carry the headers, rendered from the connection config and the client id and secret.
/// </summary>
public sealed class TokenHeadersTests
{
    private static readonly string ExpectedBasic = "Basic " + Convert.ToBase64String(Encoding.UTF8.GetBytes($"{FakeProvider.ClientId}:{FakeProvider.ClientSecret}"));

    [Fact]
    public async Task AuthorizationCode_AndItsRefresh_CarryTheRenderedHeaders()
    {
        await using var app = await Server.StartAsync();
        await app.CreateIntegrationAsync("fake-token-headers", credentials: new { type = "OAUTH2", client_id = FakeProvider.ClientId, client_secret = FakeProvider.ClientSecret, scopes = "read" });
        await using var socket = await SdkSocket.ConnectAsync(app.BaseUrl);
        using var browser = new OAuthBrowser();
        await browser.CompleteAsync($"{app.BaseUrl}/oauth/connect/fake-token-headers?connect_session_token={await app.CreateSessionTokenAsync()}&ws_client_id={socket.ClientId}&params[tenant]=acme");
        var connectionId = (await socket.ReceiveAsync(TimeSpan.FromSeconds(10)))!["connection_id"]!.GetValue<string>();
        var exchange = (app.Fake.LastTokenForm!["grant_type"], app.Fake.LastTokenHeaders!);

        await CredentialsAsync(app, "fake-token-headers", connectionId, forceRefresh: true);
        var refresh = (app.Fake.LastTokenForm!["grant_type"], app.Fake.LastTokenHeaders!);

        Assert.Equal(1, app.Fake.RefreshCalls);
        foreach (var (grant, headers) in new[] { exchange, refresh })
        {
            Assert.Equal("acme", headers["x-fake-tenant"]);
            Assert.Equal(ExpectedBasic, headers["authorization"]);
        }

        Assert.Equal(("authorization_code", "refresh_token"), (exchange.Item1, refresh.Item1));
    }

    [Fact]
    public async Task ClientCredentials_AndTheirRenewal_CarryTheRenderedHeaders()
    {
        await using var app = await Server.StartAsync();
        await app.CreateIntegrationAsync("fake-cc-token-headers");
        var connectionId = await ConnectionIdAsync(app, await ConnectAsync(app, "fake-cc-token-headers",
            new { client_id = FakeProvider.ClientId, client_secret = FakeProvider.ClientSecret }, "&params[tenant]=acme"));
        var first = app.Fake.LastTokenHeaders!;

        await CredentialsAsync(app, "fake-cc-token-headers", connectionId, forceRefresh: true);
        var renewal = app.Fake.LastTokenHeaders!;

        Assert.Equal(2, app.Fake.ClientCredentialsCalls);
        Assert.NotSame(first, renewal);
        foreach (var headers in new[] { first, renewal })
        {
            Assert.Equal("acme", headers["x-fake-tenant"]);
            Assert.Equal(ExpectedBasic, headers["authorization"]);
        }
    }

    [Fact]
    public async Task HeaderTemplate_WithoutItsConnectionSetting_IsRefusedWithoutARequest()
    {
        await using var app = await Server.StartAsync();
        await app.CreateIntegrationAsync("fake-cc-token-headers");

        var response = await ConnectAsync(app, "fake-cc-token-headers", new { client_id = FakeProvider.ClientId, client_secret = FakeProvider.ClientSecret });

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("client_credentials_fetch_error", await response.ErrorCodeAsync());
        Assert.Null(app.Fake.LastTokenHeaders);
    }
}
