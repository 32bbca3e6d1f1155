using Latchkey.Server.Dashboard.Mfa;
using Latchkey.Server.Dashboard.Pages;
using Latchkey.Server.Environments;
using Latchkey.Server.Hosting;

namespace Latchkey.Server.Dashboard.Team;

/// <summary>
/// The Users page: the team with each one's role per environment, the invitation form, and per user Save roles,
/// New invitation link, Disable/Enable and Remove. Only for an admin of every environment (the route's permission).
/// An invitation link is shown once, on the page answering the POST that made it.
/// </summary>
public static class TeamPages
{
    public static async Task<IResult> ListAsync(string env, HttpContext http, DashboardContexts contexts, UserStore users, EnvironmentStore environments, PublicUrls urls, MfaPolicy policy,
        CancellationToken cancellationToken)
    {
        var ctx = await contexts.ForAsync(http, env, "users", cancellationToken);
        return await RenderAsync(ctx! with { Notice = IntegrationPages.Notice(http) }, users, environments, urls, policy, null, cancellationToken);
    }

    public static async Task<IResult> InviteAsync(string env, IFormCollection form, HttpContext http, DashboardContexts contexts, TeamChanges team, UserStore users,
        EnvironmentStore environments, PublicUrls urls, MfaPolicy policy, InvitationMail mail, CancellationToken cancellationToken)
    {
        var ctx = (await contexts.ForAsync(http, env, "users", cancellationToken))!;
        var roles = await ReadRolesAsync(form, environments, cancellationToken);
        var (invitation, problem) = roles is null
            ? (null, "Choose a role from the list for each environment.")
            : await team.InviteAsync(ctx.Actor, form["email"].ToString(), roles, cancellationToken);
        if (problem is not null)
        {
            return await RenderAsync(ctx with { Problem = problem }, users, environments, urls, policy, null, cancellationToken, StatusCodes.Status400BadRequest);
        }

        var page = await MailAsync(ctx with { Notice = $"{invitation!.Email} is invited." }, invitation, mail, urls, cancellationToken);
        return await RenderAsync(page, users, environments, urls, policy, invitation, cancellationToken);
    }

    public static Task<IResult> RenewInvitationAsync(string env, long id, IFormCollection form, HttpContext http, DashboardContexts contexts, TeamChanges team, UserStore users,
        EnvironmentStore environments, PublicUrls urls, MfaPolicy policy, InvitationMail mail, CancellationToken cancellationToken) =>
        OnMemberAsync(env, id, http, contexts, users, environments, urls, policy, async (ctx, member) =>
        {
            var (invitation, problem) = await team.RenewInvitationAsync(ctx.Actor, member, cancellationToken);
            if (invitation is null)
            {
                return (problem, null, null);
            }

            var page = await MailAsync(ctx with { Notice = $"New invitation link for {member.Email}: the earlier ones no longer work." }, invitation, mail, urls, cancellationToken);
            return (null, invitation, page.Notice + (page.Problem is null ? "" : " " + page.Problem));
        }, cancellationToken);

    /// <summary>With SMTP configured, e-mails the link too; the page says whether it went.</summary>
    private static async Task<DashboardContext> MailAsync(DashboardContext ctx, TeamChanges.Invitation invitation, InvitationMail mail, PublicUrls urls, CancellationToken cancellationToken)
    {
        if (!mail.Enabled)
        {
            return ctx;
        }

        var failure = await mail.SendAsync(invitation.Email, InvitationPages.LinkFor(urls, invitation.Token), invitation.ExpiresAt, ctx.Email, cancellationToken);
        return failure is null ? ctx with { Notice = ctx.Notice + $" The link was e-mailed to {invitation.Email}." } : ctx with { Problem = failure };
    }

    public static Task<IResult> SetRolesAsync(string env, long id, IFormCollection form, HttpContext http, DashboardContexts contexts, TeamChanges team, UserStore users,
        EnvironmentStore environments, PublicUrls urls, MfaPolicy policy, CancellationToken cancellationToken) =>
        OnMemberAsync(env, id, http, contexts, users, environments, urls, policy, async (ctx, member) =>
        {
            var roles = await ReadRolesAsync(form, environments, cancellationToken);
            var problem = roles is null ? "Choose a role from the list for each environment." : await team.SetRolesAsync(ctx.Actor, member, roles, cancellationToken);
            return (problem, null, $"Roles of {member.Email} saved.");
        }, cancellationToken);

    public static Task<IResult> DisableAsync(string env, long id, IFormCollection form, HttpContext http, DashboardContexts contexts, TeamChanges team, UserStore users,
        EnvironmentStore environments, PublicUrls urls, MfaPolicy policy, CancellationToken cancellationToken) =>
        OnMemberAsync(env, id, http, contexts, users, environments, urls, policy, async (ctx, member) =>
            (await team.SetDisabledAsync(ctx.Actor, member, disabled: true, cancellationToken), null, $"{member.Email} is disabled and logged out everywhere."), cancellationToken);

    public static Task<IResult> EnableAsync(string env, long id, IFormCollection form, HttpContext http, DashboardContexts contexts, TeamChanges team, UserStore users,
        EnvironmentStore environments, PublicUrls urls, MfaPolicy policy, CancellationToken cancellationToken) =>
        OnMemberAsync(env, id, http, contexts, users, environments, urls, policy, async (ctx, member) =>
            (await team.SetDisabledAsync(ctx.Actor, member, disabled: false, cancellationToken), null, $"{member.Email} is enabled."), cancellationToken);

    public static Task<IResult> RemoveAsync(string env, long id, IFormCollection form, HttpContext http, DashboardContexts contexts, TeamChanges team, UserStore users,
        EnvironmentStore environments, PublicUrls urls, MfaPolicy policy, CancellationToken cancellationToken) =>
        OnMemberAsync(env, id, http, contexts, users, environments, urls, policy, async (ctx, member) =>
            (await team.RemoveAsync(ctx.Actor, member, cancellationToken), null, $"{member.Email} is removed and logged out everywhere."), cancellationToken);

    /// <summary>Finds the user of the route, runs the change, and answers with the page (400 and the problem when refused).</summary>
    private static async Task<IResult> OnMemberAsync(string env, long id, HttpContext http, DashboardContexts contexts, UserStore users, EnvironmentStore environments,
        PublicUrls urls, MfaPolicy policy, Func<DashboardContext, TeamMember, Task<(string? Problem, TeamChanges.Invitation? Invitation, string? Notice)>> change, CancellationToken cancellationToken)
    {
        var ctx = (await contexts.ForAsync(http, env, "users", cancellationToken))!;
        if ((await users.ListAsync(cancellationToken)).FirstOrDefault(m => m.Id == id) is not { } member)
        {
            return DashboardAccess.NotFoundPage();
        }

        var (problem, invitation, notice) = await change(ctx, member);
        if (problem is not null)
        {
            return await RenderAsync(ctx with { Problem = problem }, users, environments, urls, policy, null, cancellationToken, StatusCodes.Status400BadRequest);
        }

        return invitation is null
            ? Results.Redirect(ctx.Url("users") + "?done=" + Uri.EscapeDataString(notice!))
            : await RenderAsync(ctx with { Notice = notice }, users, environments, urls, policy, invitation, cancellationToken);
    }

    /// <summary>One <c>role_{environment}</c> field per environment: empty for no access, else a role; null when one is not a role.</summary>
    private static async Task<Dictionary<long, DashboardRole>?> ReadRolesAsync(IFormCollection form, EnvironmentStore environments, CancellationToken cancellationToken)
    {
        var roles = new Dictionary<long, DashboardRole>();
        foreach (var environment in await environments.ListAsync(cancellationToken))
        {
            var text = form["role_" + environment.Name].ToString();
            if (text.Length == 0)
            {
                continue;
            }

            if (DashboardRights.Parse(text) is not { } role)
            {
                return null;
            }

            roles[environment.Id] = role;
        }

        return roles;
    }

    private static async Task<IResult> RenderAsync(DashboardContext ctx, UserStore users, EnvironmentStore environments, PublicUrls urls, MfaPolicy policy, TeamChanges.Invitation? invitation,
        CancellationToken cancellationToken, int status = StatusCodes.Status200OK)
    {
        var all = await environments.ListAsync(cancellationToken);
        var members = (await users.ListAsync(cancellationToken)).Select(m => new UsersPage.Member(
            m.Id, m.Email, m.Email == ctx.Email, m.DisabledAt is not null, m.HasPassword, m.InvitationExpiresAt, m.HasMfa,
            all.ToDictionary(e => e.Name, e => m.Roles.TryGetValue(e.Id, out var role) ? DashboardRights.Name(role) : ""))).ToArray();
        var link = invitation is null ? null : new UsersPage.Link(invitation.Email, InvitationPages.LinkFor(urls, invitation.Token), invitation.ExpiresAt.ToUnixTimeMilliseconds());
        return DashboardAccess.Page<UsersPage>(ctx, new UsersPage.View(members, all.Select(e => e.Name).ToArray(), link, await policy.IsRequiredAsync(cancellationToken)), status);
    }
}
