using System.Net.Http.Headers;
using Dapper;
using Latchkey.Server.ConnectSessions;
using Latchkey.Server.OAuth;
using Latchkey.Server.Storage;
using Microsoft.Extensions.Time.Testing;

namespace Latchkey.Server.Tests.ConnectSessions;

public sealed class CleanupTests
{
    [Fact]
    public async Task ExpiredSessionsAndAbandonedFlows_AreDeletedADayAfterExpiry()
    {
        var clock = new FakeTimeProvider(DateTimeOffset.UtcNow);
        await using var app = await Server.StartAsync(clock: clock);
        await app.CreateIntegrationAsync("fake-oauth2", credentials: new { type = "OAUTH2", client_id = FakeProvider.ClientId, client_secret = FakeProvider.ClientSecret });
        var token = await app.CreateSessionTokenAsync();
        using var browser = new OAuthBrowser();
        await browser.ReachCallbackAsync($"{app.BaseUrl}/oauth/connect/fake-oauth2?connect_session_token={token}"); // never calls back
        var keep = await app.CreateSessionTokenAsync(new { tags = new { end_user_id = "u" }, expires_in = 7 * 86400 });

        clock.Advance(TimeSpan.FromHours(25));
        await app.Services.GetServices<IHostedService>().OfType<ExpiredSessionsCleanup>().Single().RunOnceAsync(Server.Cancellation);
        await app.Services.GetServices<IHostedService>().OfType<AbandonedFlowsCleanup>().Single().RunOnceAsync(Server.Cancellation);

        await using var db = await app.Services.GetRequiredService<Database>().OpenAsync(Server.Cancellation);
        Assert.Equal(1, await db.ExecuteScalarAsync<long>("SELECT COUNT(*) FROM connect_sessions"));
        Assert.Equal(0, await db.ExecuteScalarAsync<long>("SELECT COUNT(*) FROM oauth_sessions"));
        using var request = new HttpRequestMessage(HttpMethod.Get, "/connect/session");
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", keep);
        Assert.Equal(System.Net.HttpStatusCode.OK, (await app.Http.SendAsync(request, Server.Cancellation)).StatusCode);
    }
}
