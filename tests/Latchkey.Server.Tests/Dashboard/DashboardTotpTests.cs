using System.Net;
using System.Text;
using Dapper;
using Latchkey.Server.Dashboard.Mfa;
using Latchkey.Server.Storage;
using Microsoft.Extensions.Time.Testing;
using static Latchkey.Server.Tests.Dashboard.DashboardMfa;
using static Latchkey.Server.Tests.Dashboard.DashboardTeam;

namespace Latchkey.Server.Tests.Dashboard;

/// <summary>TOTP: the RFC's arithmetic, enrolment, the login's second step, one use per code, recovery codes, throttling.</summary>
public sealed class DashboardTotpTests
{
    [Theory]
    [InlineData(59L, "94287082")]
    [InlineData(1111111109L, "07081804")]
    [InlineData(1111111111L, "14050471")]
    [InlineData(1234567890L, "89005924")]
    [InlineData(2000000000L, "69279037")]
    [InlineData(20000000000L, "65353130")]
    public void TotpCode_MatchesTheRfc6238TestVectors_ForSha1(long unixSeconds, string expected)
    {
        // RFC 6238 Appendix B: the SHA-1 seed is the ASCII of "12345678901234567890"; its codes have 8 digits, and
        // a 6-digit code is the same number's last 6 digits.
        var secret = Encoding.ASCII.GetBytes("12345678901234567890");
        var at = DateTimeOffset.FromUnixTimeSeconds(unixSeconds);

        Assert.Equal(expected, TotpCode.Compute(secret, at, digits: 8));
        Assert.Equal(expected[2..], TotpCode.Compute(secret, at));
        Assert.NotNull(TotpCode.MatchingStep(secret, expected[2..], at));
        Assert.NotNull(TotpCode.MatchingStep(secret, expected[2..], at.AddSeconds(30)));
        Assert.Null(TotpCode.MatchingStep(secret, expected[2..], at.AddSeconds(90)));
    }

    [Fact]
    public async Task Enrolment_ThenLogin_AsksForTheCode_AndStartsNoSessionBeforeIt()
    {
        var clock = new FakeTimeProvider(DateTimeOffset.UtcNow);
        await using var app = await Server.StartAsync(Admin, clock);
        using var admin = await AdminAsync(app);
        var enrolled = await EnrolTotpAsync(admin, clock);
        clock.Advance(TimeSpan.FromSeconds(30));

        using var browser = new DashboardLoginBrowser(app);
        var password = await browser.LogInAsync(AdminEmail, AdminPassword);
        var beforeCode = await browser.Client.GetAsync("/dashboard/dev/connections", Server.Cancellation);
        var wrong = await SecondStepAsync(browser, "000000");
        var right = await SecondStepAsync(browser, TotpCode.Compute(enrolled.Secret, clock.GetUtcNow()));
        var afterCode = await browser.Client.GetAsync("/dashboard/dev/connections", Server.Cancellation);

        Assert.Equal(10, enrolled.RecoveryCodes.Count);
        Assert.Equal(MfaLoginPages.Path, password.Headers.Location!.OriginalString);
        Assert.DoesNotContain(password.Headers.GetValues("Set-Cookie"), c => c.StartsWith("lk_dashboard=", StringComparison.Ordinal));
        Assert.Equal(HttpStatusCode.Redirect, beforeCode.StatusCode);
        Assert.StartsWith("/dashboard/login", beforeCode.Headers.Location!.OriginalString, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.Unauthorized, wrong.StatusCode);
        Assert.Equal(HttpStatusCode.Redirect, right.StatusCode);
        Assert.Equal(HttpStatusCode.OK, afterCode.StatusCode);
        Assert.Contains(await AuditActionsAsync(app), a => a == "mfa.enrolled");
        Assert.Contains(await AuditActionsAsync(app), a => a == "mfa.login_failed");
    }

    [Fact]
    public async Task ACode_IsRefusedTheSecondTime_WithinItsWindow()
    {
        var clock = new FakeTimeProvider(DateTimeOffset.UtcNow);
        await using var app = await Server.StartAsync(Admin, clock);
        using var admin = await AdminAsync(app);
        var enrolled = await EnrolTotpAsync(admin, clock);
        clock.Advance(TimeSpan.FromSeconds(30));
        var code = TotpCode.Compute(enrolled.Secret, clock.GetUtcNow());

        using var first = new DashboardLoginBrowser(app);
        await first.LogInAsync(AdminEmail, AdminPassword);
        var used = await SecondStepAsync(first, code);
        using var second = new DashboardLoginBrowser(app);
        await second.LogInAsync(AdminEmail, AdminPassword);
        var reused = await SecondStepAsync(second, code);
        var earlier = await SecondStepAsync(second, TotpCode.Compute(enrolled.Secret, clock.GetUtcNow().AddSeconds(-30)));
        clock.Advance(TimeSpan.FromSeconds(30));
        var next = await SecondStepAsync(second, TotpCode.Compute(enrolled.Secret, clock.GetUtcNow()));

        Assert.Equal(HttpStatusCode.Redirect, used.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, reused.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, earlier.StatusCode);
        Assert.Equal(HttpStatusCode.Redirect, next.StatusCode);
    }

    [Fact]
    public async Task ARecoveryCode_WorksOnce_AndIsAudited()
    {
        var clock = new FakeTimeProvider(DateTimeOffset.UtcNow);
        await using var app = await Server.StartAsync(Admin, clock);
        using var admin = await AdminAsync(app);
        var enrolled = await EnrolTotpAsync(admin, clock);

        using var first = new DashboardLoginBrowser(app);
        await first.LogInAsync(AdminEmail, AdminPassword);
        var used = await SecondStepAsync(first, enrolled.RecoveryCodes[3].ToUpperInvariant());
        using var second = new DashboardLoginBrowser(app);
        await second.LogInAsync(AdminEmail, AdminPassword);
        var again = await SecondStepAsync(second, enrolled.RecoveryCodes[3]);
        var another = await SecondStepAsync(second, enrolled.RecoveryCodes[4].Replace("-", " ", StringComparison.Ordinal));

        Assert.Equal(HttpStatusCode.Redirect, used.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, again.StatusCode);
        Assert.Equal(HttpStatusCode.Redirect, another.StatusCode);
        Assert.Equal(2, (await AuditActionsAsync(app)).Count(a => a == "mfa.recovery_code_used"));
        var status = await (await second.Client.GetAsync(SecurityPath, Server.Cancellation)).Content.ReadAsStringAsync(Server.Cancellation);
        Assert.Contains("8 recovery codes left", status, StringComparison.Ordinal);
    }

    [Fact]
    public async Task TheSecret_IsStoredSealed_AndTheRecoveryCodesHashed()
    {
        var clock = new FakeTimeProvider(DateTimeOffset.UtcNow);
        await using var app = await Server.StartAsync(Admin, clock);
        using var admin = await AdminAsync(app);
        var enrolled = await EnrolTotpAsync(admin, clock);
        await using var connection = await app.Services.GetRequiredService<Database>().OpenAsync(Server.Cancellation);

        var stored = await connection.QuerySingleAsync<string>(new CommandDefinition("SELECT secret_sealed FROM dashboard_totp", cancellationToken: Server.Cancellation));
        var hashes = (await connection.QueryAsync<string>(new CommandDefinition("SELECT code_hash FROM dashboard_recovery_codes", cancellationToken: Server.Cancellation))).ToArray();

        Assert.StartsWith("lk1.", stored, StringComparison.Ordinal);
        Assert.DoesNotContain(TotpCode.Base32(enrolled.Secret), stored, StringComparison.Ordinal);
        Assert.Equal(10, hashes.Length);
        Assert.All(enrolled.RecoveryCodes, code => Assert.DoesNotContain(hashes, h => h.Contains(code.Replace("-", "", StringComparison.Ordinal), StringComparison.Ordinal)));
    }

    [Fact]
    public async Task FiveWrongCodes_EndTheSecondStep_AndItExpiresAfterFiveMinutes()
    {
        var clock = new FakeTimeProvider(DateTimeOffset.UtcNow);
        await using var app = await Server.StartAsync(Admin, clock);
        using var admin = await AdminAsync(app);
        var enrolled = await EnrolTotpAsync(admin, clock);

        using var guesser = new DashboardLoginBrowser(app);
        await guesser.LogInAsync(AdminEmail, AdminPassword);
        var answers = new List<HttpResponseMessage>();
        for (var i = 0; i < MfaChallenges.MaxFailures; i++)
        {
            answers.Add(await SecondStepAsync(guesser, $"{i:D6}"));
        }

        clock.Advance(TimeSpan.FromSeconds(30));
        var rightButLate = await SecondStepAsync(guesser, TotpCode.Compute(enrolled.Secret, clock.GetUtcNow()));
        using var slow = new DashboardLoginBrowser(app);
        await slow.LogInAsync(AdminEmail, AdminPassword);
        clock.Advance(MfaChallenges.Lifetime + TimeSpan.FromSeconds(1));
        var expired = await SecondStepAsync(slow, TotpCode.Compute(enrolled.Secret, clock.GetUtcNow()));

        Assert.All(answers, a => Assert.Equal(HttpStatusCode.Unauthorized, a.StatusCode));
        Assert.Contains("Too many wrong codes", await answers[^1].Content.ReadAsStringAsync(Server.Cancellation), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.Unauthorized, rightButLate.StatusCode);
        Assert.Contains("expired", await rightButLate.Content.ReadAsStringAsync(Server.Cancellation), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.Unauthorized, expired.StatusCode);
        Assert.Contains("expired", await expired.Content.ReadAsStringAsync(Server.Cancellation), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Removing_TheApp_MakesThePasswordEnoughAgain_AndIsAudited()
    {
        var clock = new FakeTimeProvider(DateTimeOffset.UtcNow);
        await using var app = await Server.StartAsync(Admin, clock);
        using var admin = await AdminAsync(app);
        await EnrolTotpAsync(admin, clock);

        var removed = await admin.Client.PostAsync(SecurityPath + "/totp/remove", Form(await admin.FormTokenAsync(SecurityPath)), Server.Cancellation);
        using var later = new DashboardLoginBrowser(app);
        var login = await later.LogInAsync(AdminEmail, AdminPassword);

        Assert.Equal(HttpStatusCode.Redirect, removed.StatusCode);
        Assert.Equal("/dashboard/", login.Headers.Location!.OriginalString);
        Assert.Contains(await AuditActionsAsync(app), a => a == "mfa.removed");
    }

    internal static async Task<string[]> AuditActionsAsync(TestApp app)
    {
        await using var connection = await app.Services.GetRequiredService<Database>().OpenAsync(Server.Cancellation);
        return (await connection.QueryAsync<string>(new CommandDefinition("SELECT action FROM audit_entries ORDER BY id", cancellationToken: Server.Cancellation))).ToArray();
    }
}
