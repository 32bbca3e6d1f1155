using System.Net;
using Dapper;
using Latchkey.Server.Audit;
using Latchkey.Server.Dashboard.Mfa;
using Latchkey.Server.Storage;
using Microsoft.Extensions.Time.Testing;
using static Latchkey.Server.Tests.Dashboard.DashboardTeam;

namespace Latchkey.Server.Tests.Dashboard;

/// <summary>
/// Issue 20 item 4: single sign-on to the dashboard against the TestKit's OpenID Connect provider, over real HTTP —
/// the login page's button, the provider, the callback, the dashboard with the right role; refusals on the login page.
/// </summary>
public sealed class DashboardSsoTests
{
    [Fact]
    public async Task FirstSignIn_CreatesTheUserAsSupportEverywhere_AndOpensTheDashboard()
    {
        await using var idp = await FakeOidcProvider.StartAsync();
        idp.User = new FakeOidcUser("Newcomer@Example.com");
        await using var app = await Server.StartAsync(WithSso(idp));
        using var browser = new SsoBrowser(app);

        var (response, page) = await browser.SignInAsync();
        var again = await browser.Client.GetAsync(app.BaseUrl + "/dashboard/prod/connections", Server.Cancellation);
        var settings = await browser.Client.GetAsync(app.BaseUrl + "/dashboard/dev/settings", Server.Cancellation);
        var actions = await AuditAsync(app);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.EndsWith("/dashboard/dev/connections", browser.Visited[^1], StringComparison.Ordinal);
        Assert.Contains(browser.Visited, url => url.StartsWith(idp.Issuer + "/authorize?", StringComparison.Ordinal) && url.Contains("code_challenge_method=S256", StringComparison.Ordinal));
        Assert.Contains(browser.Visited, url => url.StartsWith(app.BaseUrl + "/dashboard/sso/callback?code=", StringComparison.Ordinal));
        Assert.Contains("newcomer@example.com (support)", page, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.OK, again.StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, settings.StatusCode);
        Assert.Equal(1, idp.TokenCalls);
        Assert.Equal([(AuditActions.UserCreatedBySso, "newcomer@example.com"), (AuditActions.SsoLoginSucceeded, "newcomer@example.com")], actions);
        // Neither the client secret, nor a code, nor the ID token ever reach the logs.
        var logs = string.Join('\n', app.Logs.Lines);
        Assert.DoesNotContain(FakeOidcProvider.ClientSecret, logs, StringComparison.Ordinal);
        Assert.DoesNotContain(idp.IssuedIdTokens.Single()[..40], logs, StringComparison.Ordinal);
        Assert.DoesNotContain("code=", logs, StringComparison.Ordinal);
    }

    [Fact]
    public async Task SignIn_EndsLikeAPasswordLogin_LogoutEndsTheSession()
    {
        await using var idp = await FakeOidcProvider.StartAsync();
        idp.User = new FakeOidcUser("leaving@example.com");
        await using var app = await Server.StartAsync(WithSso(idp));
        using var browser = new SsoBrowser(app);
        await browser.SignInAsync();
        var page = await browser.Client.GetStringAsync(app.BaseUrl + "/dashboard/dev/connections", Server.Cancellation);
        var token = System.Text.RegularExpressions.Regex.Match(page, "name=\"__RequestVerificationToken\" value=\"([^\"]+)\"").Groups[1].Value;

        var logout = await browser.Client.PostAsync(app.BaseUrl + "/dashboard/logout", Form(token), Server.Cancellation);
        var after = await browser.Client.GetAsync(app.BaseUrl + "/dashboard/dev/connections", Server.Cancellation);

        Assert.Equal(HttpStatusCode.Redirect, logout.StatusCode);
        Assert.Equal(HttpStatusCode.Redirect, after.StatusCode);
        Assert.StartsWith("/dashboard/login", after.Headers.Location!.OriginalString, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ExistingUser_KeepsTheirRoles()
    {
        await using var idp = await FakeOidcProvider.StartAsync();
        await using var app = await Server.StartAsync(WithSso(idp));
        using var admin = await AdminAsync(app);
        Assert.Equal(HttpStatusCode.OK, (await InviteAsync(admin, "dev@example.com", "developer", null)).StatusCode);
        idp.User = new FakeOidcUser("dev@example.com");
        using var browser = new SsoBrowser(app);

        var (_, page) = await browser.SignInAsync();
        var prod = await browser.Client.GetAsync(app.BaseUrl + "/dashboard/prod/connections", Server.Cancellation);

        Assert.Contains("dev@example.com (developer)", page, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.Forbidden, prod.StatusCode);
        Assert.DoesNotContain(await AuditAsync(app), entry => entry.Action == AuditActions.UserCreatedBySso);
    }

    [Fact]
    public async Task UserWithASecondFactor_IsAskedForIt_AfterSingleSignOn()
    {
        var clock = new FakeTimeProvider(DateTimeOffset.UtcNow);
        await using var idp = await FakeOidcProvider.StartAsync();
        await using var app = await Server.StartAsync(WithSso(idp), clock);
        using var admin = await AdminAsync(app);
        var enrolled = await DashboardMfa.EnrolTotpAsync(admin, clock);
        clock.Advance(TimeSpan.FromSeconds(TotpCode.StepSeconds));
        idp.User = new FakeOidcUser(AdminEmail);
        using var browser = new SsoBrowser(app);

        var (response, page) = await browser.SignInAsync();
        var beforeCode = await browser.Client.GetAsync(app.BaseUrl + "/dashboard/dev/connections", Server.Cancellation);
        var code = new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["__RequestVerificationToken"] = DashboardMfa.CsrfIn(page),
            ["code"] = TotpCode.Compute(enrolled.Secret, clock.GetUtcNow()),
        });
        var answered = await browser.Client.PostAsync(app.BaseUrl + MfaLoginPages.Path, code, Server.Cancellation);
        var afterCode = await browser.Client.GetAsync(app.BaseUrl + "/dashboard/dev/connections", Server.Cancellation);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.EndsWith(MfaLoginPages.Path, browser.Visited[^1], StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.Redirect, beforeCode.StatusCode);
        Assert.StartsWith("/dashboard/login", beforeCode.Headers.Location!.OriginalString, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.Redirect, answered.StatusCode);
        Assert.Equal(HttpStatusCode.OK, afterCode.StatusCode);
    }

    [Fact]
    public async Task DisabledUser_IsRefused_OnTheLoginPage()
    {
        await using var idp = await FakeOidcProvider.StartAsync();
        await using var app = await Server.StartAsync(WithSso(idp));
        using var admin = await AdminAsync(app);
        await InviteAsync(admin, "gone@example.com", "admin", "admin");
        var id = await UserIdAsync(admin, "gone@example.com");
        await admin.Client.PostAsync($"/dashboard/dev/users/{id}/disable", Form(await admin.FormTokenAsync("/dashboard/dev/users")), Server.Cancellation);
        idp.User = new FakeOidcUser("gone@example.com");
        using var browser = new SsoBrowser(app);

        var (response, page) = await browser.SignInAsync();
        var dashboard = await browser.Client.GetAsync(app.BaseUrl + "/dashboard/dev/connections", Server.Cancellation);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.EndsWith("/dashboard/login?sso=disabled", browser.Visited[^1], StringComparison.Ordinal);
        Assert.Contains("This account is disabled", page, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.Redirect, dashboard.StatusCode);
        Assert.Contains((AuditActions.SsoLoginRefused, "gone@example.com"), await AuditAsync(app));
    }

    [Theory]
    [InlineData("someone@elsewhere.com", true, null, "domain", "not open to your e-mail domain")]
    [InlineData("someone@dev.example.com", true, null, "domain", "not open to your e-mail domain")]
    [InlineData("someone@example.com.evil.test", true, null, "domain", "not open to your e-mail domain")]
    [InlineData("someone@example.com", false, null, "unverified", "not verified")]
    [InlineData("someone@example.com", true, "access_denied", "provider", "did not sign you in")]
    public async Task SignIn_IsRefused_WithItsReason_AndNoUserIsCreated(string email, bool verified, string? providerError, string code, string sentence)
    {
        await using var idp = await FakeOidcProvider.StartAsync();
        idp.User = new FakeOidcUser(email, verified);
        idp.AuthorizeError = providerError;
        await using var app = await Server.StartAsync(WithSso(idp));
        using var browser = new SsoBrowser(app);

        var (response, page) = await browser.SignInAsync();
        var dashboard = await browser.Client.GetAsync(app.BaseUrl + "/dashboard/dev/connections", Server.Cancellation);
        await using var connection = await app.Services.GetRequiredService<Database>().OpenAsync(Server.Cancellation);
        var users = await connection.QueryAsync<string>(new CommandDefinition("SELECT email FROM dashboard_users", cancellationToken: Server.Cancellation));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.EndsWith($"/dashboard/login?sso={code}", browser.Visited[^1], StringComparison.Ordinal);
        Assert.Contains(sentence, page, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.Redirect, dashboard.StatusCode);
        Assert.Equal([AdminEmail], users);
        Assert.Contains(await AuditAsync(app), entry => entry.Action == AuditActions.SsoLoginRefused);
    }

    [Fact]
    public async Task DefaultRoleAndEnvironments_AreTheConfiguredOnes()
    {
        await using var idp = await FakeOidcProvider.StartAsync();
        idp.User = new FakeOidcUser("builder@example.org", EmailVerified: null);
        var settings = WithSso(idp, "example.com, Example.ORG");
        settings["LATCHKEY_SSO_DEFAULT_ROLE"] = "developer";
        settings["LATCHKEY_SSO_DEFAULT_ENVIRONMENTS"] = "dev";
        await using var app = await Server.StartAsync(settings);
        using var browser = new SsoBrowser(app);

        var (_, page) = await browser.SignInAsync();
        var prod = await browser.Client.GetAsync(app.BaseUrl + "/dashboard/prod/connections", Server.Cancellation);

        Assert.Contains("builder@example.org (developer)", page, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.Forbidden, prod.StatusCode);
    }

    [Fact]
    public async Task UnreachableProvider_LandsOnTheLoginPage_NotAnError()
    {
        await using var idp = await FakeOidcProvider.StartAsync();
        var settings = WithSso(idp);
        await idp.DisposeAsync(); // nothing listens at the issuer any more
        await using var app = await Server.StartAsync(settings);
        using var browser = new SsoBrowser(app);

        var (response, page) = await browser.SignInAsync();

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.EndsWith("/dashboard/login?sso=unavailable", browser.Visited[^1], StringComparison.Ordinal);
        Assert.Contains("Single sign-on is unavailable", page, StringComparison.Ordinal);
    }

    [Fact]
    public async Task CompleteWithoutAProviderAnswer_AndTheButtonWithoutSso_AreHarmless()
    {
        await using var idp = await FakeOidcProvider.StartAsync();
        await using var withSso = await Server.StartAsync(WithSso(idp));
        await using var without = await Server.StartAsync(Admin);
        using var stranger = new SsoBrowser(withSso);

        var (_, page) = await stranger.FollowAsync(withSso.BaseUrl + "/dashboard/sso/complete");
        var forged = await stranger.Client.GetAsync(withSso.BaseUrl + "/dashboard/sso/callback?code=made-up&state=made-up", Server.Cancellation);
        var login = await without.Http.GetStringAsync("/dashboard/login", Server.Cancellation);
        var start = await without.Http.GetAsync("/dashboard/sso", Server.Cancellation);
        var complete = await without.Http.GetAsync("/dashboard/sso/complete", Server.Cancellation);

        Assert.Contains("took too long or was started elsewhere", page, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.Redirect, forged.StatusCode);
        Assert.StartsWith("/dashboard/login?sso=", forged.Headers.Location!.OriginalString, StringComparison.Ordinal);
        Assert.DoesNotContain("id=\"sso\"", login, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.NotFound, start.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, complete.StatusCode);
        Assert.Equal(0, idp.TokenCalls);
    }

    [Fact]
    public async Task SignIn_StartedOnOneInstance_FinishesOnAnother()
    {
        Assert.SkipUnless(TestDatabases.UsesPostgres, "Instances share a PostgreSQL database (set LATCHKEY_TEST_POSTGRES).");
        await using var idp = await FakeOidcProvider.StartAsync();
        idp.User = new FakeOidcUser("roaming@example.com");
        await using var a = await Server.StartAsync(WithSso(idp));
        await using var b = await Server.StartAnotherInstanceAsync(a);
        using var browser = new SsoBrowser(a);

        var (_, page) = await browser.SignInAsync(finishOn: b);
        var onA = await browser.Client.GetStringAsync(a.BaseUrl + "/dashboard/dev/connections", Server.Cancellation);

        Assert.Contains(browser.Visited, url => url.StartsWith(b.BaseUrl + "/dashboard/sso/callback?", StringComparison.Ordinal));
        Assert.Contains("roaming@example.com (support)", page, StringComparison.Ordinal);
        Assert.Contains("roaming@example.com (support)", onA, StringComparison.Ordinal);
    }

    private static Dictionary<string, string?> WithSso(FakeOidcProvider idp, string allowedDomains = "example.com")
    {
        var settings = new Dictionary<string, string?>(Admin);
        foreach (var (key, value) in idp.Settings(allowedDomains))
        {
            settings[key] = value;
        }

        return settings;
    }

    private static async Task<List<(string Action, string Actor)>> AuditAsync(TestApp app)
    {
        await using var connection = await app.Services.GetRequiredService<Database>().OpenAsync(Server.Cancellation);
        var rows = await connection.QueryAsync<(string, string)>(new CommandDefinition(
            "SELECT action, actor FROM audit_entries WHERE action LIKE '%sso%' ORDER BY id", cancellationToken: Server.Cancellation));
        return rows.ToList();
    }
}
