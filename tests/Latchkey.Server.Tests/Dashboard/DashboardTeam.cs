using System.Net;
using System.Text.RegularExpressions;

namespace Latchkey.Server.Tests.Dashboard;

/// <summary>Adds users the way an admin does: an invitation from the Users page, accepted with a password.</summary>
internal static partial class DashboardTeam
{
    public const string AdminEmail = "ops@example.com";
    public const string AdminPassword = "a long enough dashboard password";
    public const string UserPassword = "the new user's own password";

    public static readonly Dictionary<string, string?> Admin = new() { ["LATCHKEY_ADMIN_EMAIL"] = AdminEmail, ["LATCHKEY_ADMIN_PASSWORD"] = AdminPassword };

    /// <summary>Posts the invitation form; the answer's page holds the link.</summary>
    public static async Task<HttpResponseMessage> InviteAsync(DashboardLoginBrowser admin, string email, string? dev, string? prod)
    {
        var token = await admin.FormTokenAsync("/dashboard/dev/users");
        return await admin.Client.PostAsync("/dashboard/dev/users", Form(token, ("email", email), ("role_dev", dev ?? ""), ("role_prod", prod ?? "")), Server.Cancellation);
    }

    public static string LinkIn(string page) => WebUtility.HtmlDecode(InvitationLink().Match(page).Groups[1].Value);

    /// <summary>Opens the link and sets the password, as the invited person does.</summary>
    public static async Task<HttpResponseMessage> AcceptAsync(TestApp app, string link, string password = UserPassword)
    {
        using var stranger = new DashboardLoginBrowser(app);
        // A link no longer valid shows no form: the login page's token then carries the attempt.
        var html = await (await stranger.Client.GetAsync(link, Server.Cancellation)).Content.ReadAsStringAsync(Server.Cancellation);
        var csrf = AntiforgeryField().Match(html) is { Success: true } field ? field.Groups[1].Value : await stranger.FormTokenAsync("/dashboard/login");
        var token = new Uri(link).Query.Split("token=")[1];
        return await stranger.Client.PostAsync("/dashboard/invitation",
            Form(csrf, ("token", Uri.UnescapeDataString(token)), ("password", password), ("confirm", password)), Server.Cancellation);
    }

    /// <summary>A user invited with these roles, who has set their password and is logged in.</summary>
    public static async Task<DashboardLoginBrowser> AddUserAsync(TestApp app, DashboardLoginBrowser admin, string email, string? dev, string? prod)
    {
        var invited = await InviteAsync(admin, email, dev, prod);
        Assert.Equal(HttpStatusCode.OK, invited.StatusCode);
        var accepted = await AcceptAsync(app, LinkIn(await invited.Content.ReadAsStringAsync(Server.Cancellation)));
        Assert.Equal(HttpStatusCode.Redirect, accepted.StatusCode);
        var user = new DashboardLoginBrowser(app);
        Assert.Equal(HttpStatusCode.Redirect, (await user.LogInAsync(email, UserPassword)).StatusCode);
        return user;
    }

    public static async Task<DashboardLoginBrowser> AdminAsync(TestApp app)
    {
        var admin = new DashboardLoginBrowser(app);
        await admin.LogInAsync(AdminEmail, AdminPassword);
        return admin;
    }

    /// <summary>The id of a user in the Users page's forms.</summary>
    public static async Task<string> UserIdAsync(DashboardLoginBrowser admin, string email)
    {
        var page = await admin.Client.GetStringAsync("/dashboard/dev/users", Server.Cancellation);
        return Regex.Match(page, $"data-email=\"{Regex.Escape(email)}\"[\\s\\S]*?/dashboard/dev/users/(\\d+)/roles").Groups[1].Value;
    }

    public static FormUrlEncodedContent Form(string token, params (string Name, string Value)[] fields) =>
        new([KeyValuePair.Create("__RequestVerificationToken", token), .. fields.Select(f => KeyValuePair.Create(f.Name, f.Value))]);

    [GeneratedRegex("id=\"invitation-link\" type=\"text\" readonly value=\"([^\"]+)\"")]
    private static partial Regex InvitationLink();

    [GeneratedRegex("name=\"__RequestVerificationToken\" value=\"([^\"]+)\"")]
    private static partial Regex AntiforgeryField();
}
