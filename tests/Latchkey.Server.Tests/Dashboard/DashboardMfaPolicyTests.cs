using System.Net;
using Latchkey.Server.Dashboard.Mfa;
using Microsoft.Extensions.Time.Testing;
using static Latchkey.Server.Tests.Dashboard.DashboardMfa;
using static Latchkey.Server.Tests.Dashboard.DashboardTeam;

namespace Latchkey.Server.Tests.Dashboard;

/// <summary>Require MFA for everyone, an admin's reset of a user's factors, and the second step across instances.</summary>
public sealed class DashboardMfaPolicyTests
{
    [Fact]
    public async Task RequiredMfa_SendsAUserWithoutAFactorToEnrolment_AndRefusesEverythingElse_UntilEnrolled()
    {
        var clock = new FakeTimeProvider(DateTimeOffset.UtcNow);
        await using var app = await Server.StartAsync(Admin, clock);
        using var admin = await AdminAsync(app);
        using var user = await AddUserAsync(app, admin, "dev@example.com", "admin", "developer");
        await EnrolTotpAsync(admin, clock);

        var required = await admin.Client.PostAsync("/dashboard/dev/users/mfa-requirement", Form(await admin.FormTokenAsync("/dashboard/dev/users"), ("require_mfa", "true")), Server.Cancellation);
        var page = await user.Client.GetAsync("/dashboard/dev/connections", Server.Cancellation);
        var write = await user.Client.PostAsync("/dashboard/dev/connections/share", Form(await user.FormTokenAsync(SecurityPath)), Server.Cancellation);
        var security = await user.Client.GetStringAsync(SecurityPath, Server.Cancellation);
        var adminStill = await admin.Client.GetAsync("/dashboard/dev/connections", Server.Cancellation);
        var enrolled = await EnrolTotpAsync(user, clock);
        var afterwards = await user.Client.GetAsync("/dashboard/dev/connections", Server.Cancellation);
        using var next = await LogInWithTotpAsync(app, clock, "dev@example.com", UserPassword, enrolled.Secret);

        Assert.Equal(HttpStatusCode.Redirect, required.StatusCode);
        Assert.Equal(HttpStatusCode.Redirect, page.StatusCode);
        Assert.Equal(SecurityPath, page.Headers.Location!.OriginalString);
        Assert.Equal(HttpStatusCode.Forbidden, write.StatusCode);
        Assert.Contains("requires a second factor for everyone", security, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.OK, adminStill.StatusCode);
        Assert.Equal(HttpStatusCode.OK, afterwards.StatusCode);
        Assert.Contains("checked", await admin.Client.GetStringAsync("/dashboard/dev/users", Server.Cancellation), StringComparison.Ordinal);
        Assert.Contains(await DashboardTotpTests.AuditActionsAsync(app), a => a == "mfa.requirement_changed");
    }

    [Fact]
    public async Task RequiredMfa_AFreshPasswordLogin_LandsOnEnrolment()
    {
        await using var app = await Server.StartAsync(Admin);
        using var admin = await AdminAsync(app);
        await admin.Client.PostAsync("/dashboard/dev/users/mfa-requirement", Form(await admin.FormTokenAsync("/dashboard/dev/users"), ("require_mfa", "true")), Server.Cancellation);

        using var browser = new DashboardLoginBrowser(app);
        var login = await browser.LogInAsync(AdminEmail, AdminPassword);
        var home = await browser.Client.GetAsync(login.Headers.Location, Server.Cancellation);
        var connections = await browser.Client.GetAsync(home.Headers.Location, Server.Cancellation);
        var users = await browser.Client.GetAsync("/dashboard/dev/users", Server.Cancellation);

        Assert.Equal(SecurityPath, connections.Headers.Location!.OriginalString);
        Assert.Equal(SecurityPath, users.Headers.Location!.OriginalString);
    }

    [Fact]
    public async Task AnAdminsReset_RemovesTheUsersFactors_AndIsAudited()
    {
        var clock = new FakeTimeProvider(DateTimeOffset.UtcNow);
        await using var app = await Server.StartAsync(Admin, clock);
        using var admin = await AdminAsync(app);
        using var user = await AddUserAsync(app, admin, "lost@example.com", "support", null);
        await EnrolTotpAsync(user, clock);
        var id = await UserIdAsync(admin, "lost@example.com");
        using var before = new DashboardLoginBrowser(app);
        var withFactor = await before.LogInAsync("lost@example.com", UserPassword);

        var reset = await admin.Client.PostAsync($"/dashboard/dev/users/{id}/mfa/reset", Form(await admin.FormTokenAsync("/dashboard/dev/users")), Server.Cancellation);
        using var after = new DashboardLoginBrowser(app);
        var withoutFactor = await after.LogInAsync("lost@example.com", UserPassword);

        Assert.Equal(MfaLoginPages.Path, withFactor.Headers.Location!.OriginalString);
        Assert.Equal(HttpStatusCode.Redirect, reset.StatusCode);
        Assert.Equal("/dashboard/", withoutFactor.Headers.Location!.OriginalString);
        Assert.Contains(await DashboardTotpTests.AuditActionsAsync(app), a => a == "mfa.reset");
    }

    [Fact]
    public async Task TheSecondStep_StartedOnOneInstance_FinishesOnAnother()
    {
        Assert.SkipUnless(TestDatabases.UsesPostgres, "Instances share a database on PostgreSQL only (set LATCHKEY_TEST_POSTGRES).");
        var clock = new FakeTimeProvider(DateTimeOffset.UtcNow);
        await using var first = await Server.StartAsync(Admin, clock);
        await using var second = await Server.StartAnotherInstanceAsync(first, clock);
        using var admin = await AdminAsync(first);
        var enrolled = await EnrolTotpAsync(admin, clock);
        clock.Advance(TimeSpan.FromSeconds(30));

        // One cookie jar for both: cookies are per host, not per port, as a browser behind a load balancer would see it.
        using var browser = new DashboardLoginBrowser(first);
        await browser.LogInAsync(AdminEmail, AdminPassword);
        var token = await browser.FormTokenAsync("/dashboard/login");
        var finished = await browser.Client.PostAsync(second.BaseUrl + MfaLoginPages.Path,
            Form(token, ("code", TotpCode.Compute(enrolled.Secret, clock.GetUtcNow()))), Server.Cancellation);
        var page = await browser.Client.GetAsync(second.BaseUrl + "/dashboard/dev/connections", Server.Cancellation);

        Assert.Equal(HttpStatusCode.Redirect, finished.StatusCode);
        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
    }
}
