using System.Net;

namespace Latchkey.Server.Tests.Dashboard;

/// <summary>F5: dashboard sessions live in the database, so logout and a password change end them for good.</summary>
public sealed class DashboardSessionTests
{
    private const string Email = "ops@example.com";
    private const string Password = "a long enough dashboard password";
    private static readonly Dictionary<string, string?> Admin = new() { ["LATCHKEY_ADMIN_EMAIL"] = Email, ["LATCHKEY_ADMIN_PASSWORD"] = Password };

    [Fact]
    public async Task Logout_EndsTheSession_SoACopiedCookieNoLongerWorks()
    {
        await using var app = await Server.StartAsync(Admin);
        using var browser = new DashboardLoginBrowser(app);
        var cookie = DashboardLoginBrowser.SessionCookie(await browser.LogInAsync(Email, Password));
        Assert.Equal(HttpStatusCode.OK, await DashboardLoginBrowser.OpenWithCookieAsync(app, cookie));

        var token = await browser.FormTokenAsync("/dashboard/dev/connections");
        var logout = await browser.Client.PostAsync("/dashboard/logout",
            new FormUrlEncodedContent([KeyValuePair.Create("__RequestVerificationToken", token)]), Server.Cancellation);

        Assert.Equal(HttpStatusCode.Redirect, logout.StatusCode);
        Assert.Equal(HttpStatusCode.Redirect, await DashboardLoginBrowser.OpenWithCookieAsync(app, cookie));
    }

    [Fact]
    public async Task PasswordChange_EndsEverySession_ButTheSamePasswordAtRestartKeepsThem()
    {
        var dataDirectory = Directory.CreateTempSubdirectory("latchkey-sessions-").FullName;
        string first, second;
        await using (var app = await Server.StartAsync(Admin, dataDirectory: dataDirectory))
        {
            using var one = new DashboardLoginBrowser(app);
            using var two = new DashboardLoginBrowser(app);
            first = DashboardLoginBrowser.SessionCookie(await one.LogInAsync(Email, Password));
            second = DashboardLoginBrowser.SessionCookie(await two.LogInAsync(Email, Password));
            await app.StopAsync();
        }

        await using (var same = await Server.StartAsync(Admin, dataDirectory: dataDirectory))
        {
            Assert.Equal(HttpStatusCode.OK, await DashboardLoginBrowser.OpenWithCookieAsync(same, first));
            await same.StopAsync();
        }

        var changed = new Dictionary<string, string?>(Admin) { ["LATCHKEY_ADMIN_PASSWORD"] = "a new and different password" };
        await using (var app = await Server.StartAsync(changed, dataDirectory: dataDirectory))
        {
            Assert.Equal(HttpStatusCode.Redirect, await DashboardLoginBrowser.OpenWithCookieAsync(app, first));
            Assert.Equal(HttpStatusCode.Redirect, await DashboardLoginBrowser.OpenWithCookieAsync(app, second));
        }

        await TestDatabases.DropAsync(dataDirectory);
        Directory.Delete(dataDirectory, recursive: true);
    }

    [Fact]
    public async Task Logout_OnOneInstance_EndsTheSessionOnTheOther()
    {
        Assert.SkipUnless(TestDatabases.UsesPostgres, "Instances share a database on PostgreSQL only (set LATCHKEY_TEST_POSTGRES).");
        await using var first = await Server.StartAsync(Admin);
        await using var second = await first.StartAnotherInstanceAsync();
        using var browser = new DashboardLoginBrowser(first);
        var cookie = DashboardLoginBrowser.SessionCookie(await browser.LogInAsync(Email, Password));
        Assert.Equal(HttpStatusCode.OK, await DashboardLoginBrowser.OpenWithCookieAsync(second, cookie));

        var token = await browser.FormTokenAsync("/dashboard/dev/connections");
        await browser.Client.PostAsync("/dashboard/logout", new FormUrlEncodedContent([KeyValuePair.Create("__RequestVerificationToken", token)]), Server.Cancellation);

        Assert.Equal(HttpStatusCode.Redirect, await DashboardLoginBrowser.OpenWithCookieAsync(second, cookie));
    }
}
