using System.Net;
using System.Text.RegularExpressions;
using Dapper;
using Latchkey.Server.Storage;

namespace Latchkey.Server.Tests.Dashboard;

/// <summary>The login cookie is protected with Data Protection keys kept in the database, not in a folder of the machine.</summary>
public sealed partial class DashboardCookieTests
{
    private const string Email = "ops@example.com";
    private const string Password = "a long enough dashboard password";
    private static readonly Dictionary<string, string?> Admin = new() { ["LATCHKEY_ADMIN_EMAIL"] = Email, ["LATCHKEY_ADMIN_PASSWORD"] = Password };

    [Fact]
    public async Task LoginCookie_SurvivesARestart_ButIsRefusedByAServerOnAnotherDatabase()
    {
        var dataDirectory = Directory.CreateTempSubdirectory("latchkey-cookie-").FullName;
        string cookie;
        await using (var first = await Server.StartAsync(Admin, dataDirectory: dataDirectory))
        {
            cookie = await LogInAsync(first);
            await first.StopAsync();
        }

        await using (var restarted = await Server.StartAsync(Admin, dataDirectory: dataDirectory))
        await using (var stranger = await Server.StartAsync(Admin))
        {
            Assert.Equal(HttpStatusCode.OK, (await OpenPageAsync(restarted, cookie)).StatusCode);
            // Same machine, same process, another database: the keys are not in a folder they could share.
            Assert.Equal(HttpStatusCode.Redirect, (await OpenPageAsync(stranger, cookie)).StatusCode);
            await using var connection = await restarted.Services.GetRequiredService<Database>().OpenAsync(Server.Cancellation);
            var key = Assert.Single(await connection.QueryAsync<string>("SELECT xml_sealed FROM data_protection_keys"));
            Assert.StartsWith("lk1.", key, StringComparison.Ordinal);
            Assert.DoesNotContain("masterKey", key, StringComparison.Ordinal);
        }

        await TestDatabases.DropAsync(dataDirectory);
        Directory.Delete(dataDirectory, recursive: true);
    }

    [Fact]
    public async Task LoginCookie_FromOneInstance_IsAcceptedByAnotherOnTheSameDatabase()
    {
        Assert.SkipUnless(TestDatabases.UsesPostgres, "Instances share a database on PostgreSQL only (set LATCHKEY_TEST_POSTGRES).");
        await using var first = await Server.StartAsync(Admin);
        await using var second = await first.StartAnotherInstanceAsync();

        var cookie = await LogInAsync(first);

        Assert.Equal(HttpStatusCode.OK, (await OpenPageAsync(second, cookie)).StatusCode);
    }

    /// <summary>Logs in through the login form and returns the <c>lk_dashboard</c> cookie as a browser would send it.</summary>
    private static async Task<string> LogInAsync(TestApp app)
    {
        using var browser = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false, CookieContainer = new CookieContainer(), UseCookies = true })
        {
            BaseAddress = new Uri(app.BaseUrl),
        };
        var html = await browser.GetStringAsync("/dashboard/login", Server.Cancellation);
        var token = AntiforgeryField().Match(html).Groups[1].Value;
        var response = await browser.PostAsync("/dashboard/login", new FormUrlEncodedContent(
            [KeyValuePair.Create("__RequestVerificationToken", token), KeyValuePair.Create("email", Email), KeyValuePair.Create("password", Password)]),
            Server.Cancellation);
        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        return response.Headers.GetValues("Set-Cookie").Single(c => c.StartsWith("lk_dashboard=", StringComparison.Ordinal)).Split(';')[0];
    }

    private static async Task<HttpResponseMessage> OpenPageAsync(TestApp app, string cookie)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "/dashboard/dev/connections");
        request.Headers.Add("Cookie", cookie);
        using var client = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false, UseCookies = false }) { BaseAddress = new Uri(app.BaseUrl) };
        return await client.SendAsync(request, Server.Cancellation);
    }

    [GeneratedRegex("name=\"__RequestVerificationToken\" value=\"([^\"]+)\"")]
    private static partial Regex AntiforgeryField();
}
