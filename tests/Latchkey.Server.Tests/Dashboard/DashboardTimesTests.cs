using Latchkey.Server.Dashboard;
using Microsoft.Extensions.Time.Testing;

namespace Latchkey.Server.Tests.Dashboard;

/// <summary>Instants read as a date, a time and how far away they are; the exact ISO value stays in the markup.</summary>
public sealed class DashboardTimesTests
{
    private const string Email = "ops@example.com";
    private const string Password = "a long enough dashboard password";

    [Theory]
    [InlineData(0, "in less than a minute")]
    [InlineData(-59, "less than a minute ago")]
    [InlineData(42 * 60, "in 42 min")]
    [InlineData(-89 * 60, "89 min ago")]
    [InlineData(90 * 60, "in 2 h")]
    [InlineData(-47 * 3600, "47 h ago")]
    [InlineData(7 * 86400, "in 7 days")]
    [InlineData(-2 * 86400 - 43200, "3 days ago")]
    public void Describe_SaysHowFarAwayAnInstantIs(int secondsFromNow, string expected)
    {
        var now = new DateTimeOffset(2025, 5, 1, 14, 32, 0, TimeSpan.Zero);

        Assert.Equal(expected, RelativeTime.Describe(now.AddSeconds(secondsFromNow), now));
    }

    [Fact]
    public async Task ConnectionPage_ShowsTheExpiryReadably_WithTheIsoValueInTheMarkup()
    {
        var clock = new FakeTimeProvider(new DateTimeOffset(2025, 5, 1, 14, 32, 0, TimeSpan.Zero));
        await using var app = await Server.StartAsync(new Dictionary<string, string?> { ["LATCHKEY_ADMIN_EMAIL"] = Email, ["LATCHKEY_ADMIN_PASSWORD"] = Password }, clock);
        app.Fake.ExpiresInSeconds = 42 * 60;
        await app.CreateIntegrationAsync("fake-oauth2-cc");
        var created = await app.Http.PostAsJsonAsync($"/oauth2/auth/fake-oauth2-cc?connect_session_token={await app.CreateSessionTokenAsync()}",
            new { client_id = FakeProvider.ClientId, client_secret = FakeProvider.ClientSecret }, Server.Cancellation);
        var connectionId = (await created.JsonAsync())["connectionId"]!.GetValue<string>();
        using var browser = new DashboardLoginBrowser(app);
        await browser.LogInAsync(Email, Password);

        var html = await browser.Client.GetStringAsync($"/dashboard/dev/connections/fake-oauth2-cc/{connectionId}", Server.Cancellation);

        Assert.Contains("<time id=\"credentials-expiry\" datetime=\"2025-05-01T15:14:00.000Z\" title=\"2025-05-01T15:14:00.000Z\">1 May 2025, 15:14 UTC (in 42 min)</time>",
            html, StringComparison.Ordinal);
        Assert.Contains("1 May 2025, 14:32 UTC (in less than a minute)", html, StringComparison.Ordinal);
    }
}
