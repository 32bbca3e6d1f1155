using System.Net;
using Dapper;
using Latchkey.Server.Storage;
using Microsoft.Extensions.Time.Testing;
using static Latchkey.Server.Tests.Dashboard.DashboardTeam;

namespace Latchkey.Server.Tests.Dashboard;

/// <summary>Users: invitation → own password → login; single-use, expiring, hashed links; disabling and removal end sessions at once.</summary>
public sealed class DashboardTeamTests
{
    [Fact]
    public async Task Invitation_SetPassword_ThenLogin_GivesTheInvitedRoles()
    {
        await using var app = await Server.StartAsync(Admin);
        using var admin = await AdminAsync(app);

        var invited = await InviteAsync(admin, "Dev@Example.com", "developer", "support");
        var page = await invited.Content.ReadAsStringAsync(Server.Cancellation);
        var link = LinkIn(page);
        using var stranger = new DashboardLoginBrowser(app);
        var form = await stranger.Client.GetStringAsync(link, Server.Cancellation);
        var accepted = await AcceptAsync(app, link);
        using var user = new DashboardLoginBrowser(app);
        var login = await user.LogInAsync("dev@example.com", UserPassword);
        var home = await user.Client.GetAsync("/dashboard/", Server.Cancellation);
        var connections = await user.Client.GetStringAsync("/dashboard/dev/connections", Server.Cancellation);
        var again = await AcceptAsync(app, link, "yet another password here");

        Assert.Equal(HttpStatusCode.OK, invited.StatusCode);
        Assert.StartsWith(app.BaseUrl + "/dashboard/invitation?token=", link, StringComparison.Ordinal);
        Assert.Contains("id=\"invited-email\">dev@example.com<", form, StringComparison.Ordinal);
        Assert.Equal("/dashboard/login?joined=1", accepted.Headers.Location!.OriginalString);
        Assert.Equal(HttpStatusCode.Redirect, login.StatusCode);
        Assert.Equal("/dashboard/dev/connections", home.Headers.Location!.OriginalString);
        Assert.Contains("dev@example.com (developer)", connections, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.NotFound, again.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await new DashboardLoginBrowser(app).LogInAsync("dev@example.com", "yet another password here")).StatusCode);
    }

    [Fact]
    public async Task Invitation_IsStoredHashed_AndExpiresAfterSevenDays()
    {
        var clock = new FakeTimeProvider(DateTimeOffset.UtcNow);
        await using var app = await Server.StartAsync(Admin, clock);
        using var admin = await AdminAsync(app);
        var link = LinkIn(await (await InviteAsync(admin, "late@example.com", "support", null)).Content.ReadAsStringAsync(Server.Cancellation));
        var token = Uri.UnescapeDataString(new Uri(link).Query.Split("token=")[1]);
        await using var connection = await app.Services.GetRequiredService<Database>().OpenAsync(Server.Cancellation);
        var stored = await connection.QuerySingleAsync<string>(new CommandDefinition("SELECT token_hash FROM dashboard_invitations", cancellationToken: Server.Cancellation));

        clock.Advance(TimeSpan.FromDays(7) + TimeSpan.FromMinutes(1));
        var accepted = await AcceptAsync(app, link);

        Assert.NotEqual(token, stored);
        Assert.DoesNotContain(token, stored, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.NotFound, accepted.StatusCode);
    }

    [Theory]
    [InlineData("short", "short")]
    [InlineData("a good long password", "a different long one")]
    public async Task Invitation_RefusesAWeakOrMismatchedPassword_AndStaysUsable(string password, string confirm)
    {
        await using var app = await Server.StartAsync(Admin);
        using var admin = await AdminAsync(app);
        var link = LinkIn(await (await InviteAsync(admin, "new@example.com", "support", null)).Content.ReadAsStringAsync(Server.Cancellation));
        using var stranger = new DashboardLoginBrowser(app);
        var csrf = await stranger.FormTokenAsync(link);

        var refused = await stranger.Client.PostAsync("/dashboard/invitation",
            Form(csrf, ("token", Uri.UnescapeDataString(new Uri(link).Query.Split("token=")[1])), ("password", password), ("confirm", confirm)), Server.Cancellation);

        Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);
        Assert.Equal(HttpStatusCode.Redirect, (await AcceptAsync(app, link)).StatusCode);
    }

    [Fact]
    public async Task Invite_AnExistingUser_OrWithoutARole_IsRefused()
    {
        await using var app = await Server.StartAsync(Admin);
        using var admin = await AdminAsync(app);

        var existing = await InviteAsync(admin, AdminEmail, "support", null);
        var roleless = await InviteAsync(admin, "x@example.com", null, null);
        var notEmail = await InviteAsync(admin, "not an address", "support", null);

        Assert.Equal(HttpStatusCode.BadRequest, existing.StatusCode);
        Assert.Contains("already a user", await existing.Content.ReadAsStringAsync(Server.Cancellation), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.BadRequest, roleless.StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, notEmail.StatusCode);
    }

    [Fact]
    public async Task Disabling_EndsTheUsersSessionAtOnce_AndRefusesTheirLogin_UntilEnabled()
    {
        await using var app = await Server.StartAsync(Admin);
        using var admin = await AdminAsync(app);
        using var user = await AddUserAsync(app, admin, "leaver@example.com", "developer", "developer");
        Assert.Equal(HttpStatusCode.OK, (await user.Client.GetAsync("/dashboard/dev/connections", Server.Cancellation)).StatusCode);
        var id = await UserIdAsync(admin, "leaver@example.com");

        var disabled = await admin.Client.PostAsync($"/dashboard/dev/users/{id}/disable", Form(await admin.FormTokenAsync("/dashboard/dev/users")), Server.Cancellation);
        var afterwards = await user.Client.GetAsync("/dashboard/dev/connections", Server.Cancellation);
        using var retry = new DashboardLoginBrowser(app);
        var login = await retry.LogInAsync("leaver@example.com", UserPassword);
        await admin.Client.PostAsync($"/dashboard/dev/users/{id}/enable", Form(await admin.FormTokenAsync("/dashboard/dev/users")), Server.Cancellation);
        using var back = new DashboardLoginBrowser(app);

        Assert.Equal(HttpStatusCode.Redirect, disabled.StatusCode);
        Assert.Equal(HttpStatusCode.Redirect, afterwards.StatusCode);
        Assert.StartsWith("/dashboard/login", afterwards.Headers.Location!.OriginalString, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.Forbidden, login.StatusCode);
        Assert.Contains("disabled", await login.Content.ReadAsStringAsync(Server.Cancellation), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.Redirect, (await back.LogInAsync("leaver@example.com", UserPassword)).StatusCode);
    }

    [Fact]
    public async Task Removing_EndsTheUsersSession_AndTheAccount()
    {
        await using var app = await Server.StartAsync(Admin);
        using var admin = await AdminAsync(app);
        using var user = await AddUserAsync(app, admin, "gone@example.com", "support", null);
        var id = await UserIdAsync(admin, "gone@example.com");

        var removed = await admin.Client.PostAsync($"/dashboard/dev/users/{id}/remove", Form(await admin.FormTokenAsync("/dashboard/dev/users")), Server.Cancellation);
        var afterwards = await user.Client.GetAsync("/dashboard/dev/connections", Server.Cancellation);
        using var retry = new DashboardLoginBrowser(app);

        Assert.Equal(HttpStatusCode.Redirect, removed.StatusCode);
        Assert.Equal(HttpStatusCode.Redirect, afterwards.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await retry.LogInAsync("gone@example.com", UserPassword)).StatusCode);
        Assert.DoesNotContain("gone@example.com", await admin.Client.GetStringAsync("/dashboard/dev/users", Server.Cancellation), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Disabling_OnOneInstance_EndsTheSessionOnTheOther()
    {
        Assert.SkipUnless(TestDatabases.UsesPostgres, "Instances share a database on PostgreSQL only (set LATCHKEY_TEST_POSTGRES).");
        await using var first = await Server.StartAsync(Admin);
        await using var second = await first.StartAnotherInstanceAsync();
        using var admin = await AdminAsync(first);
        using var user = await AddUserAsync(first, admin, "roamer@example.com", "developer", null);
        var cookie = DashboardLoginBrowser.SessionCookie(await new DashboardLoginBrowser(second).LogInAsync("roamer@example.com", UserPassword));
        Assert.Equal(HttpStatusCode.OK, await DashboardLoginBrowser.OpenWithCookieAsync(second, cookie));

        await admin.Client.PostAsync($"/dashboard/dev/users/{await UserIdAsync(admin, "roamer@example.com")}/disable",
            Form(await admin.FormTokenAsync("/dashboard/dev/users")), Server.Cancellation);

        Assert.Equal(HttpStatusCode.Redirect, await DashboardLoginBrowser.OpenWithCookieAsync(second, cookie));
    }

    [Fact]
    public async Task TheLastAdminOfEveryEnvironment_CannotBeDemotedDisabledOrRemoved()
    {
        await using var app = await Server.StartAsync(Admin);
        using var admin = await AdminAsync(app);
        var self = await UserIdAsync(admin, AdminEmail);
        using var other = await AddUserAsync(app, admin, "second@example.com", "admin", "developer");
        var id = await UserIdAsync(admin, "second@example.com");

        var demoteSelf = await admin.Client.PostAsync($"/dashboard/dev/users/{self}/roles",
            Form(await admin.FormTokenAsync("/dashboard/dev/users"), ("role_dev", "admin"), ("role_prod", "support")), Server.Cancellation);
        var disableSelf = await admin.Client.PostAsync($"/dashboard/dev/users/{self}/disable", Form(await admin.FormTokenAsync("/dashboard/dev/users")), Server.Cancellation);
        var promote = await admin.Client.PostAsync($"/dashboard/dev/users/{id}/roles",
            Form(await admin.FormTokenAsync("/dashboard/dev/users"), ("role_dev", "admin"), ("role_prod", "admin")), Server.Cancellation);
        var demoteNow = await admin.Client.PostAsync($"/dashboard/dev/users/{self}/roles",
            Form(await admin.FormTokenAsync("/dashboard/dev/users"), ("role_dev", "admin"), ("role_prod", "support")), Server.Cancellation);

        Assert.Equal(HttpStatusCode.BadRequest, demoteSelf.StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, disableSelf.StatusCode);
        Assert.Equal(HttpStatusCode.Redirect, promote.StatusCode);
        Assert.Equal(HttpStatusCode.Redirect, demoteNow.StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await other.Client.GetAsync("/dashboard/prod/users", Server.Cancellation)).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await admin.Client.GetAsync("/dashboard/prod/users", Server.Cancellation)).StatusCode);
    }

    [Fact]
    public async Task TheAdminOfEarlierVersions_BecomesTheFirstUser_AdminEverywhere()
    {
        var dataDirectory = Directory.CreateTempSubdirectory("latchkey-users-").FullName;
        var hash = new Microsoft.AspNetCore.Identity.PasswordHasher<object>().HashPassword(new object(), "the password from before");
        await using (var app = await Server.StartAsync(dataDirectory: dataDirectory))
        {
            // The schema as migration 40 left it: the users tables not there yet, one admin in dashboard_admins.
            await using var connection = await app.Services.GetRequiredService<Database>().OpenAsync(Server.Cancellation);
            foreach (var sql in new[]
            {
                "DROP TABLE dashboard_invitations", "DROP TABLE dashboard_user_roles", "DROP TABLE dashboard_users",
                "CREATE TABLE dashboard_admins (id BIGINT PRIMARY KEY, email VARCHAR(255) NOT NULL UNIQUE, password_hash TEXT NOT NULL, created_at BIGINT NOT NULL, updated_at BIGINT NOT NULL)",
                "DELETE FROM \"VersionInfo\" WHERE \"Version\" = 51",
            })
            {
                await connection.ExecuteAsync(new CommandDefinition(sql, cancellationToken: Server.Cancellation));
            }

            await connection.ExecuteAsync(new CommandDefinition(
                "INSERT INTO dashboard_admins (id, email, password_hash, created_at, updated_at) VALUES (1, 'old@example.com', @hash, 1, 1)", new { hash }, cancellationToken: Server.Cancellation));
            await app.StopAsync();
        }

        await using (var app = await Server.StartAsync(dataDirectory: dataDirectory))
        {
            using var old = new DashboardLoginBrowser(app);
            var login = await old.LogInAsync("old@example.com", "the password from before");

            Assert.Equal(HttpStatusCode.Redirect, login.StatusCode);
            Assert.Equal(HttpStatusCode.OK, (await old.Client.GetAsync("/dashboard/prod/settings", Server.Cancellation)).StatusCode);
            Assert.Equal(HttpStatusCode.OK, (await old.Client.GetAsync("/dashboard/dev/users", Server.Cancellation)).StatusCode);
        }

        await TestDatabases.DropAsync(dataDirectory);
        Directory.Delete(dataDirectory, recursive: true);
    }
}
