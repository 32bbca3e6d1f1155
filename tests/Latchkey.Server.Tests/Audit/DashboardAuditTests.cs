using System.Net;
using System.Text.RegularExpressions;
using Dapper;
using Latchkey.Server.Audit;
using Latchkey.Server.Storage;
using Latchkey.Server.Tests.Dashboard;
using static Latchkey.Server.Tests.Dashboard.DashboardTeam;

namespace Latchkey.Server.Tests.Audit;

/// <summary>
/// Every kind of change made in the dashboard leaves an audit entry naming the user, their address and what changed,
/// and no entry holds any of the secrets the changes involved (read straight from the table, every column).
/// </summary>
public sealed partial class DashboardAuditTests
{
    private const string ClientSecret = "dashboard-client-secret-never-audited";
    private const string NewClientSecret = "dashboard-client-secret-changed-never-audited";
    private const string WrongPassword = "a wrong password never audited";

    [Fact]
    public async Task EveryKindOfChange_IsRecorded_WithNoSecretInAnyEntry()
    {
        await using var app = await Server.StartAsync(Admin);
        await app.CreateIntegrationAsync("fake-apikey");
        var connectionId = await app.ConnectApiKeyAsync("fake-apikey", await app.CreateSessionTokenAsync());
        var oldSecretKey = app.SecretKey;
        using var anonymous = new DashboardLoginBrowser(app);
        await anonymous.LogInAsync(AdminEmail, WrongPassword);
        await anonymous.LogInAsync(WrongPassword, AdminPassword); // a password typed into the e-mail field
        using var admin = await AdminAsync(app);

        await PostAsync(admin, "integrations/new/fake-oauth2", "integrations",
            ("provider", "fake-oauth2"), ("unique_key", "crm"), ("client_id", "id-1"), ("client_secret", ClientSecret), ("scopes", "read"));
        await PostAsync(admin, "integrations/crm", "integrations/crm", ("client_id", "id-2"), ("client_secret", NewClientSecret), ("scopes", "read,write"));
        var revealed = await PostAsync(admin, $"connections/fake-apikey/{connectionId}", $"connections/fake-apikey/{connectionId}/reveal");
        Assert.Contains(FakeProvider.GoodApiKey, revealed, StringComparison.Ordinal);
        await PostAsync(admin, $"connections/fake-apikey/{connectionId}", $"connections/fake-apikey/{connectionId}/delete");
        var shared = await PostAsync(admin, "connections/share", "connections/share", ("end_user_id", "customer-7"), ("days", "2"));
        var sessionToken = ConnectToken().Match(shared).Groups[1].Value;
        await PostAsync(admin, "settings", "settings", ("light_primary", "#112233"), ("dark_primary", "#000000"), ("default_theme", "dark"),
            ("primary_url", "https://hooks.example.com/latchkey"), ("on_auth_creation", "on"));
        Assert.Contains(oldSecretKey, await PostAsync(admin, "settings", "settings/secret-key/reveal"), StringComparison.Ordinal);
        var newSecretKey = NewKey().Match(await PostAsync(admin, "settings", "settings/secret-key")).Groups[1].Value;
        var signingKey = NewSigningKey().Match(await PostAsync(admin, "settings", "settings/signing-key")).Groups[1].Value;
        var invitation = LinkIn(await PostAsync(admin, "users", "users", ("email", "new@example.com"), ("role_dev", "developer")));
        await AcceptAsync(app, invitation);
        var id = await UserIdAsync(admin, "new@example.com");
        await PostAsync(admin, "users", $"users/{id}/roles", ("role_dev", "developer"), ("role_prod", "support"));
        var reset = LinkIn(await PostAsync(admin, "users", $"users/{id}/invitation"));
        await PostAsync(admin, "users", $"users/{id}/disable");
        await PostAsync(admin, "users", $"users/{id}/enable");
        await PostAsync(admin, "users", $"users/{id}/remove");
        await PostAsync(admin, "integrations/crm", "integrations/crm/delete");
        await PostAsync(admin, "connections", "/dashboard/logout");

        await using var connection = await app.Services.GetRequiredService<Database>().OpenAsync(Server.Cancellation);
        var rows = (await connection.QueryAsync<AuditEntry>(new CommandDefinition(
            "SELECT id AS Id, at AS At, environment_id AS EnvironmentId, actor AS Actor, actor_type AS ActorType, ip AS Ip, action AS Action, target AS Target, changes AS Changes FROM audit_entries ORDER BY id",
            cancellationToken: Server.Cancellation))).ToList();
        var actions = rows.Select(r => r.Action).ToHashSet();

        string[] expected =
        [
            AuditActions.LoginFailed, AuditActions.LoginSucceeded, AuditActions.IntegrationCreated, AuditActions.IntegrationUpdated,
            AuditActions.CredentialsRevealed, AuditActions.ConnectionDeleted, AuditActions.ConnectLinkCreated, AuditActions.SettingsUpdated,
            AuditActions.SecretKeyRevealed, AuditActions.SecretKeyRotated, AuditActions.SigningKeyRotated, AuditActions.UserInvited, AuditActions.UserJoined,
            AuditActions.UserRolesChanged, AuditActions.UserInvitationRenewed, AuditActions.UserDisabled, AuditActions.UserEnabled, AuditActions.UserRemoved,
            AuditActions.IntegrationDeleted, AuditActions.Logout,
        ];
        Assert.Empty(expected.Except(actions));
        Assert.All(rows.Where(r => r.ActorType == AuditActor.UserType && r.Action != AuditActions.LoginFailed && r.Action != AuditActions.UserJoined), r => Assert.Equal(AdminEmail, r.Actor));
        Assert.All(rows, r => Assert.Equal("127.0.0.1", r.Ip));
        Assert.Equal([AdminEmail, "(not an e-mail address)"], rows.Where(r => r.Action == AuditActions.LoginFailed).Select(r => r.Actor));
        Assert.Equal("new@example.com", rows.Single(r => r.Action == AuditActions.UserJoined).Actor);
        Assert.Contains("\"prod\":{\"from\":null,\"to\":\"support\"}", rows.Single(r => r.Action == AuditActions.UserRolesChanged).Changes, StringComparison.Ordinal);
        Assert.Contains("\"client_secret\":\"changed\"", rows.Single(r => r.Action == AuditActions.IntegrationUpdated).Changes, StringComparison.Ordinal);
        Assert.Contains("https://hooks.example.com/latchkey", rows.Single(r => r.Action == AuditActions.SettingsUpdated).Changes, StringComparison.Ordinal);

        var secrets = new[]
        {
            ClientSecret, NewClientSecret, AdminPassword, WrongPassword, UserPassword, oldSecretKey, newSecretKey, signingKey, sessionToken,
            FakeProvider.GoodApiKey, Token(invitation), Token(reset),
        };
        Assert.All(secrets, secret => Assert.True(secret.Length >= 10, "each secret was captured"));
        var everything = string.Join('\n', rows.Select(r => string.Join('|', r.Actor, r.ActorType, r.Ip, r.Action, r.Target, r.Changes, r.EnvironmentId, r.At)));
        Assert.All(secrets, secret => Assert.DoesNotContain(secret, everything, StringComparison.Ordinal));
        Assert.DoesNotContain("lk_dashboard", everything, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AuditPage_IsForAdmins_AndFiltersByActorActionAndDate()
    {
        await using var app = await Server.StartAsync(Admin);
        using var admin = await AdminAsync(app);
        using var developer = await AddUserAsync(app, admin, "dev@example.com", "developer", null);
        await PostAsync(developer, "integrations/new/fake-apikey", "integrations", ("provider", "fake-apikey"), ("unique_key", "by-dev"));

        var all = await admin.Client.GetStringAsync("/dashboard/dev/audit", Server.Cancellation);
        var byActor = await admin.Client.GetStringAsync("/dashboard/dev/audit?actor=dev%40example", Server.Cancellation);
        var byAction = await admin.Client.GetStringAsync("/dashboard/dev/audit?action=user.invited", Server.Cancellation);
        var future = await admin.Client.GetStringAsync("/dashboard/dev/audit?from=2999-01-01", Server.Cancellation);
        var refused = await developer.Client.GetAsync("/dashboard/dev/audit", Server.Cancellation);

        Assert.Contains("data-label=\"Action\">integration.created<", all, StringComparison.Ordinal);
        Assert.Contains("data-label=\"Action\">user.invited<", all, StringComparison.Ordinal);
        Assert.Contains("data-label=\"Action\">integration.created<", byActor, StringComparison.Ordinal);
        Assert.DoesNotContain("data-label=\"Action\">user.invited<", byActor, StringComparison.Ordinal);
        Assert.Contains("data-label=\"Action\">user.invited<", byAction, StringComparison.Ordinal);
        Assert.DoesNotContain("data-label=\"Action\">integration.created<", byAction, StringComparison.Ordinal);
        Assert.Contains("No entry.", future, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.Forbidden, refused.StatusCode);
    }

    private static string Token(string link) => Uri.UnescapeDataString(new Uri(link).Query.Split("token=")[1]);

    /// <summary>Posts a form of the dev environment (a path starting with / is used as it is), with a token from the page it is on.</summary>
    private static async Task<string> PostAsync(DashboardLoginBrowser browser, string page, string action, params (string Name, string Value)[] fields)
    {
        var token = await browser.FormTokenAsync("/dashboard/dev/" + page);
        var response = await browser.Client.PostAsync(action.StartsWith('/') ? action : "/dashboard/dev/" + action, Form(token, fields), Server.Cancellation);
        Assert.True(response.StatusCode is HttpStatusCode.OK or HttpStatusCode.Redirect, $"{action} answered {(int)response.StatusCode}");
        return await response.Content.ReadAsStringAsync(Server.Cancellation);
    }

    [GeneratedRegex("session_token=([A-Za-z0-9_\\-]+)")]
    private static partial Regex ConnectToken();

    [GeneratedRegex("id=\"new-secret-key\">([^<]+)<")]
    private static partial Regex NewKey();

    [GeneratedRegex("id=\"new-signing-key\">([^<]+)<")]
    private static partial Regex NewSigningKey();
}
