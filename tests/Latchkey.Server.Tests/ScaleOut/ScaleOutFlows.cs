namespace Latchkey.Server.Tests.ScaleOut;

/// <summary>Steps the scale-out tests share.</summary>
internal static class ScaleOutFlows
{
    public static readonly TimeSpan Wait = TimeSpan.FromSeconds(10);

    public static Task<string> OAuthIntegrationAsync(TestApp app) =>
        app.CreateIntegrationAsync("fake-oauth2", credentials: new { type = "OAUTH2", client_id = FakeProvider.ClientId, client_secret = FakeProvider.ClientSecret, scopes = "read" });

    /// <summary>Connects the fake OAuth 2 provider through the popup flow on one instance; returns the connection id.</summary>
    public static async Task<string> ConnectOAuthAsync(TestApp app)
    {
        await OAuthIntegrationAsync(app);
        await using var socket = await SdkSocket.ConnectAsync(app.BaseUrl);
        using var browser = new OAuthBrowser();
        await browser.CompleteAsync($"{app.BaseUrl}/oauth/connect/fake-oauth2?connect_session_token={await app.CreateSessionTokenAsync()}&ws_client_id={socket.ClientId}");
        return (await socket.ReceiveAsync(Wait))!["connection_id"]!.GetValue<string>();
    }
}
