using System.Net;

namespace Latchkey.Server.Tests.Dashboard;

/// <summary>F4: password guessing meets a per-account lockout and a per-IP limit (rate limiting middleware).</summary>
public sealed class DashboardLoginLimitTests
{
    private const string Email = "ops@example.com";
    private const string Password = "a long enough dashboard password";
    private static readonly Dictionary<string, string?> Admin = new() { ["LATCHKEY_ADMIN_EMAIL"] = Email, ["LATCHKEY_ADMIN_PASSWORD"] = Password };

    [Fact]
    public async Task TenWrongPasswords_LockTheAccount_SoTheRightOneIsRefusedToo()
    {
        await using var app = await Server.StartAsync(Admin);
        using var browser = new DashboardLoginBrowser(app);
        for (var attempt = 0; attempt < 10; attempt++)
        {
            Assert.Equal(HttpStatusCode.Unauthorized, (await browser.LogInAsync(Email, $"wrong password {attempt}")).StatusCode);
        }

        var right = await browser.LogInAsync(Email, Password);

        Assert.Equal(HttpStatusCode.TooManyRequests, right.StatusCode);
        Assert.True(right.Headers.RetryAfter?.Delta > TimeSpan.Zero);
        Assert.Contains("locked", await right.Content.ReadAsStringAsync(Server.Cancellation), StringComparison.Ordinal);
        Assert.DoesNotContain(right.Headers.TryGetValues("Set-Cookie", out var cookies) ? cookies : [], c => c.StartsWith("lk_dashboard=", StringComparison.Ordinal));
    }

    [Fact]
    public async Task AnUnknownAccount_IsLockedTheSameWay_SoTheLockoutTellsNothing()
    {
        await using var app = await Server.StartAsync(new Dictionary<string, string?>(Admin) { ["LATCHKEY_RATE_LIMIT_LOGIN_FAILURES"] = "3" });
        using var browser = new DashboardLoginBrowser(app);
        for (var attempt = 0; attempt < 3; attempt++)
        {
            Assert.Equal(HttpStatusCode.Unauthorized, (await browser.LogInAsync("nobody@example.com", "whatever password")).StatusCode);
        }

        Assert.Equal(HttpStatusCode.TooManyRequests, (await browser.LogInAsync("nobody@example.com", "whatever password")).StatusCode);
        // Another account is not affected.
        Assert.Equal(HttpStatusCode.Redirect, (await browser.LogInAsync(Email, Password)).StatusCode);
    }

    [Fact]
    public async Task LoginsFromOneAddress_AreLimitedPerMinute()
    {
        await using var app = await Server.StartAsync(new Dictionary<string, string?>(Admin) { ["LATCHKEY_RATE_LIMIT_LOGIN_IP"] = "3" });
        using var browser = new DashboardLoginBrowser(app);
        for (var attempt = 0; attempt < 3; attempt++)
        {
            Assert.Equal(HttpStatusCode.Unauthorized, (await browser.LogInAsync($"user{attempt}@example.com", "whatever password")).StatusCode);
        }

        var limited = await browser.LogInAsync(Email, Password);

        Assert.Equal(HttpStatusCode.TooManyRequests, limited.StatusCode);
        Assert.InRange(limited.Headers.RetryAfter!.Delta!.Value.TotalSeconds, 1, 60);
        Assert.Contains("text/html", limited.Content.Headers.ContentType!.ToString(), StringComparison.Ordinal);
    }
}
