using System.Net;

namespace Latchkey.Server.Tests.OAuth;

/// <summary>Values fetched with the new token after the grant (the catalog's post_connection), through a real flow.</summary>
public sealed class PostConnectionTests
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(10);

    [Fact]
    public async Task SiteOfTheToken_IsStoredInTheConnectionConfig()
    {
        await using var app = await Server.StartAsync();
        await app.CreateIntegrationAsync("fake-sites-oauth", credentials: new { type = "OAUTH2", client_id = FakeProvider.ClientId, client_secret = FakeProvider.ClientSecret });
        var token = await app.CreateSessionTokenAsync();
        await using var socket = await SdkSocket.ConnectAsync(app.BaseUrl);
        using var browser = new OAuthBrowser();

        await browser.CompleteAsync($"{app.BaseUrl}/oauth/connect/fake-sites-oauth?connect_session_token={token}&ws_client_id={socket.ClientId}");
        var message = await socket.ReceiveAsync(Wait);
        var connectionId = message!["connection_id"]!.GetValue<string>();
        var connection = await (await app.Backend.GetAsync($"/connections/{connectionId}?provider_config_key=fake-sites-oauth", Server.Cancellation)).JsonAsync();

        Assert.Equal("success", message["message_type"]!.GetValue<string>());
        Assert.Equal("cloud-123", connection["connection_config"]!["cloudId"]!.GetValue<string>());
        Assert.Equal("https://acme.example.test", connection["connection_config"]!["siteUrl"]!.GetValue<string>());
    }

    [Fact]
    public async Task UnanswerablePostConnectionCall_FailsTheFlow_AndSavesNothing()
    {
        await using var app = await Server.StartAsync();
        await app.CreateIntegrationAsync("fake-sites-missing", credentials: new { type = "OAUTH2", client_id = FakeProvider.ClientId, client_secret = FakeProvider.ClientSecret });
        var token = await app.CreateSessionTokenAsync();
        await using var socket = await SdkSocket.ConnectAsync(app.BaseUrl);
        using var browser = new OAuthBrowser();

        var page = await browser.CompleteAsync($"{app.BaseUrl}/oauth/connect/fake-sites-missing?connect_session_token={token}&ws_client_id={socket.ClientId}");
        var message = await socket.ReceiveAsync(Wait);
        var list = await (await app.Backend.GetAsync("/connections", Server.Cancellation)).JsonAsync();

        Assert.Equal(HttpStatusCode.BadRequest, page.StatusCode);
        Assert.Equal(("error", "unknown_err"), (message!["message_type"]!.GetValue<string>(), message["error_type"]!.GetValue<string>()));
        Assert.Contains("HTTP 404", message["error_desc"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Empty(list["connections"]!.AsArray());
    }
}
