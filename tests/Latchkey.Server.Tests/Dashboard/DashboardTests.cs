using System.Net;
using System.Text.RegularExpressions;

namespace Latchkey.Server.Tests.Dashboard;

public sealed partial class DashboardTests
{
    private const string Email = "ops@example.com";
    private const string Password = "a long enough dashboard password";
    private static readonly Dictionary<string, string?> Admin = new() { ["LATCHKEY_ADMIN_EMAIL"] = Email, ["LATCHKEY_ADMIN_PASSWORD"] = Password };

    [Theory]
    [InlineData("/dashboard/dev/connections")]
    [InlineData("/dashboard/dev/integrations")]
    [InlineData("/dashboard/prod/settings")]
    [InlineData("/dashboard/dev/logs")]
    [InlineData("/dashboard/dev/webhooks")]
    public async Task Pages_Anonymous_AreRedirectedToLogin(string path)
    {
        await using var app = await Server.StartAsync(Admin);
        using var browser = Browser(app);

        var response = await browser.GetAsync(path, Server.Cancellation);

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.StartsWith("/dashboard/login?returnUrl=", response.Headers.Location!.OriginalString, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Forms_Anonymous_AreRefused_AndChangeNothing()
    {
        await using var app = await Server.StartAsync(Admin);
        using var browser = Browser(app);

        var response = await browser.PostAsync("/dashboard/dev/settings/secret-key", Form(("x", "y")), Server.Cancellation);
        var stillWorks = await app.Backend.GetAsync("/environment", Server.Cancellation);

        // Refused before anything runs: the missing antiforgery token (400) or the missing login (401).
        Assert.Contains(response.StatusCode, new[] { HttpStatusCode.BadRequest, HttpStatusCode.Unauthorized });
        Assert.Equal(HttpStatusCode.OK, stillWorks.StatusCode);
    }

    [Fact]
    public async Task Login_WrongPassword_IsRefused_WithoutASessionCookie()
    {
        await using var app = await Server.StartAsync(Admin);
        using var browser = Browser(app);
        var token = await TokenAsync(browser, "/dashboard/login");

        var response = await browser.PostAsync("/dashboard/login", Form(("__RequestVerificationToken", token), ("email", Email), ("password", "wrong password")), Server.Cancellation);
        var page = await browser.GetAsync("/dashboard/dev/connections", Server.Cancellation);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Contains("Wrong e-mail or password", await response.Content.ReadAsStringAsync(Server.Cancellation), StringComparison.Ordinal);
        Assert.DoesNotContain(response.Headers.TryGetValues("Set-Cookie", out var cookies) ? cookies : [], c => c.StartsWith("lk_dashboard=", StringComparison.Ordinal));
        Assert.Equal(HttpStatusCode.Redirect, page.StatusCode);
    }

    [Fact]
    public async Task Login_WithoutAntiforgeryToken_IsRefused()
    {
        await using var app = await Server.StartAsync(Admin);
        using var browser = Browser(app);
        await browser.GetAsync("/dashboard/login", Server.Cancellation);

        var response = await browser.PostAsync("/dashboard/login", Form(("email", Email), ("password", Password)), Server.Cancellation);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal(HttpStatusCode.Redirect, (await browser.GetAsync("/dashboard/dev/connections", Server.Cancellation)).StatusCode);
    }

    [Fact]
    public async Task Login_RightPassword_OpensEveryPage_WithAHardenedCookie()
    {
        await using var app = await Server.StartAsync(Admin);
        using var browser = Browser(app);

        var login = await LogInAsync(browser);

        var cookie = login.Headers.GetValues("Set-Cookie").Single(c => c.StartsWith("lk_dashboard=", StringComparison.Ordinal));
        Assert.Contains("httponly", cookie, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("samesite=strict", cookie, StringComparison.OrdinalIgnoreCase);
        foreach (var path in new[] { "connections", "connections/share", "integrations", "integrations/new?q=fake", "settings", "logs", "webhooks" })
        {
            var page = await browser.GetAsync($"/dashboard/dev/{path}", Server.Cancellation);
            Assert.True(page.StatusCode == HttpStatusCode.OK, $"{path}: {(int)page.StatusCode}");
            Assert.Contains("text/html", page.Content.Headers.ContentType!.ToString(), StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task FormPost_LoggedInButWithoutAntiforgeryToken_IsRefused_AndTheKeyStays()
    {
        await using var app = await Server.StartAsync(Admin);
        using var browser = Browser(app);
        await LogInAsync(browser);

        var forged = await browser.PostAsync("/dashboard/dev/settings/secret-key", Form(("confirm", "yes")), Server.Cancellation);
        var stillWorks = await app.Backend.GetAsync("/environment", Server.Cancellation);

        Assert.Equal(HttpStatusCode.BadRequest, forged.StatusCode);
        Assert.Equal(HttpStatusCode.OK, stillWorks.StatusCode);
    }

    [Fact]
    public async Task RotateSecretKey_WithTheToken_RefusesTheOldKeyAtOnce()
    {
        await using var app = await Server.StartAsync(Admin);
        using var browser = Browser(app);
        await LogInAsync(browser);
        var token = await TokenAsync(browser, "/dashboard/dev/settings");

        var rotated = await browser.PostAsync("/dashboard/dev/settings/secret-key", Form(("__RequestVerificationToken", token)), Server.Cancellation);
        var html = await rotated.Content.ReadAsStringAsync(Server.Cancellation);
        var newKey = NewSecretKey().Match(html).Groups[1].Value;
        var old = await app.Backend.GetAsync("/environment", Server.Cancellation);
        using var fresh = new HttpClient { BaseAddress = new Uri(app.BaseUrl) };
        fresh.DefaultRequestHeaders.Authorization = new("Bearer", newKey);

        Assert.Equal(HttpStatusCode.OK, rotated.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, old.StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await fresh.GetAsync("/environment", Server.Cancellation)).StatusCode);
    }

    [Fact]
    public async Task Settings_BadColour_IsRefusedWithTheReason()
    {
        await using var app = await Server.StartAsync(Admin);
        using var browser = Browser(app);
        await LogInAsync(browser);
        var token = await TokenAsync(browser, "/dashboard/dev/settings");

        var response = await browser.PostAsync("/dashboard/dev/settings", Form(("__RequestVerificationToken", token), ("light_primary", "red;}"),
            ("dark_primary", "#000"), ("default_theme", "system")), Server.Cancellation);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("CSS colour", await response.Content.ReadAsStringAsync(Server.Cancellation), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Redeliver_SendsAFailedDeliveryAgainAtOnce_WithTheSameEventId()
    {
        var clock = new Microsoft.Extensions.Time.Testing.FakeTimeProvider(DateTimeOffset.UtcNow);
        await using var receiver = await WebhookReceiver.StartAsync(failFirst: 1);
        await using var app = await Server.StartAsync(new Dictionary<string, string?>(Admin) { ["LATCHKEY_WEBHOOK_POLL_MS"] = "50" }, clock);
        await app.Backend.PatchAsJsonAsync("/environment", new { webhook = new { primary_url = receiver.Url } }, Server.Cancellation);
        await app.CreateIntegrationAsync("fake-apikey");
        await app.ConnectApiKeyAsync("fake-apikey", await app.CreateSessionTokenAsync());
        await Latchkey.Server.Tests.Webhooks.AuthWebhookTests.WaitForRecordedAttemptAsync(app, 1);
        using var browser = Browser(app);
        await LogInAsync(browser);

        var page = await browser.GetStringAsync("/dashboard/dev/webhooks", Server.Cancellation);
        var action = RedeliverAction().Match(page).Groups[1].Value;
        var token = AntiforgeryField().Match(page).Groups[1].Value;
        var redeliver = await browser.PostAsync(action, Form(("__RequestVerificationToken", token)), Server.Cancellation);
        var accepted = await receiver.WaitForAcceptedAsync(1);
        var after = "";
        for (var i = 0; i < 100 && !after.Contains(">delivered", StringComparison.Ordinal); i++)
        {
            // The attempt is recorded just after the receiver answered.
            await Task.Delay(50, Server.Cancellation);
            after = await browser.GetStringAsync("/dashboard/dev/webhooks", Server.Cancellation);
        }

        Assert.Contains("answered 503", page, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.Redirect, redeliver.StatusCode);
        Assert.Equal(receiver.All[0].Header("X-Latchkey-Event-Id"), accepted[0].Header("X-Latchkey-Event-Id"));
        Assert.Contains(">delivered", after, StringComparison.Ordinal);
    }

    private static HttpClient Browser(TestApp app) =>
        new(new HttpClientHandler { AllowAutoRedirect = false, CookieContainer = new CookieContainer(), UseCookies = true }) { BaseAddress = new Uri(app.BaseUrl) };

    private static FormUrlEncodedContent Form(params (string Key, string Value)[] fields) =>
        new(fields.Select(f => KeyValuePair.Create(f.Key, f.Value)));

    private static async Task<string> TokenAsync(HttpClient browser, string path)
    {
        var html = await browser.GetStringAsync(path, Server.Cancellation);
        return AntiforgeryField().Match(html).Groups[1].Value;
    }

    private static async Task<HttpResponseMessage> LogInAsync(HttpClient browser)
    {
        var token = await TokenAsync(browser, "/dashboard/login");
        var response = await browser.PostAsync("/dashboard/login", Form(("__RequestVerificationToken", token), ("email", Email), ("password", Password)), Server.Cancellation);
        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        return response;
    }

    [GeneratedRegex("name=\"__RequestVerificationToken\" value=\"([^\"]+)\"")]
    private static partial Regex AntiforgeryField();

    [GeneratedRegex("action=\"(/dashboard/dev/webhooks/[0-9]+/redeliver)\"")]
    private static partial Regex RedeliverAction();

    [GeneratedRegex("id=\"new-secret-key\">([^<]+)<")]
    private static partial Regex NewSecretKey();
}
