using System.Net;
using System.Text.RegularExpressions;
using Latchkey.Server.Dashboard.Mfa;
using Microsoft.Extensions.Time.Testing;
using OtpNet;
using static Latchkey.Server.Tests.Dashboard.DashboardTeam;

namespace Latchkey.Server.Tests.Dashboard;

/// <summary>Sets up an authenticator app the way a user does on the Account security page, and answers the login's second step.</summary>
internal static partial class DashboardMfa
{
    public const string SecurityPath = "/dashboard/account/security";

    public sealed record Enrolled(byte[] Secret, IReadOnlyList<string> RecoveryCodes);

    /// <summary>Starts the setup, reads the key off the page, confirms with the code for the clock's now.</summary>
    public static async Task<Enrolled> EnrolTotpAsync(DashboardLoginBrowser user, TimeProvider clock)
    {
        var started = await user.Client.PostAsync(SecurityPath + "/totp", Form(await user.FormTokenAsync(SecurityPath)), Server.Cancellation);
        Assert.Equal(HttpStatusCode.OK, started.StatusCode);
        var page = await started.Content.ReadAsStringAsync(Server.Cancellation);
        var secret = Base32Encoding.ToBytes(SecretField().Match(page).Groups[1].Value);
        var confirmed = await user.Client.PostAsync(SecurityPath + "/totp/confirm",
            Form(CsrfIn(page), ("code", TotpCode.Compute(secret, clock.GetUtcNow()))), Server.Cancellation);
        Assert.Equal(HttpStatusCode.OK, confirmed.StatusCode);
        var codes = RecoveryCode().Matches(await confirmed.Content.ReadAsStringAsync(Server.Cancellation)).Select(m => m.Groups[1].Value).ToArray();
        return new Enrolled(secret, codes);
    }

    /// <summary>Posts the second step's form with a code (its page redirects once the step is over: the login page's token serves then).</summary>
    public static async Task<HttpResponseMessage> SecondStepAsync(DashboardLoginBrowser browser, string code) =>
        await browser.Client.PostAsync(MfaLoginPages.Path, Form(await browser.FormTokenAsync("/dashboard/login"), ("code", code)), Server.Cancellation);

    /// <summary>Password then the app's code for the clock's now, advanced past the last step used.</summary>
    public static async Task<DashboardLoginBrowser> LogInWithTotpAsync(TestApp app, FakeTimeProvider clock, string email, string password, byte[] secret)
    {
        clock.Advance(TimeSpan.FromSeconds(TotpCode.StepSeconds));
        var browser = new DashboardLoginBrowser(app);
        Assert.Equal(MfaLoginPages.Path, (await browser.LogInAsync(email, password)).Headers.Location!.OriginalString);
        Assert.Equal(HttpStatusCode.Redirect, (await SecondStepAsync(browser, TotpCode.Compute(secret, clock.GetUtcNow()))).StatusCode);
        return browser;
    }

    public static string CsrfIn(string page) => CsrfField().Match(page).Groups[1].Value;

    [GeneratedRegex("id=\"totp-secret\" type=\"text\" readonly value=\"([A-Z2-7]+)\"")]
    private static partial Regex SecretField();

    [GeneratedRegex("<li><code>([a-z2-7]{4}-[a-z2-7]{4}-[a-z2-7]{4}-[a-z2-7]{4})</code></li>")]
    private static partial Regex RecoveryCode();

    [GeneratedRegex("name=\"__RequestVerificationToken\" value=\"([^\"]+)\"")]
    private static partial Regex CsrfField();
}
