using System.Text.Json.Nodes;
using Latchkey.Server.Audit;
using Latchkey.Server.Environments;
using Latchkey.Server.Hosting.Validation;

namespace Latchkey.Server.Dashboard.Team;

/// <summary>
/// Every change to the team, checked and recorded in the audit trail: invite, new invitation link, roles, disable,
/// enable, remove. One rule holds throughout: some enabled user with a password stays admin in every environment, and
/// nobody disables or removes themselves. Failures are a sentence for the page (null: done).
/// </summary>
public sealed class TeamChanges(UserStore users, InvitationStore invitations, EnvironmentStore environments, AuditTrail audit)
{
    public sealed record Invitation(string Email, string Token, DateTimeOffset ExpiresAt);

    public async Task<(Invitation? Invitation, string? Problem)> InviteAsync(AuditActor actor, string email, IReadOnlyDictionary<long, DashboardRole> roles, CancellationToken cancellationToken)
    {
        var normalised = UserStore.Normalise(email);
        if (normalised.Length is < 3 or > InputLimits.Name || !Identifiers.EmailPattern().IsMatch(normalised))
        {
            return (null, "Enter the e-mail address of the person to invite.");
        }

        if (roles.Count == 0)
        {
            return (null, "Give the new user a role in at least one environment.");
        }

        if (await users.InviteAsync(normalised, roles, cancellationToken) is not { } id)
        {
            return (null, $"{normalised} is already a user.");
        }

        var (token, expires) = await invitations.CreateAsync(id, actor.Name, cancellationToken);
        await audit.RecordAsync(actor, AuditActions.UserInvited, null, normalised, new JsonObject { ["roles"] = await RolesByNameAsync(roles, cancellationToken) }, cancellationToken);
        return (new Invitation(normalised, token, expires), null);
    }

    /// <summary>A new link replacing the unused ones; for a user who has a password it serves as a password reset.</summary>
    public async Task<(Invitation? Invitation, string? Problem)> RenewInvitationAsync(AuditActor actor, TeamMember member, CancellationToken cancellationToken)
    {
        if (member.DisabledAt is not null)
        {
            return (null, $"{member.Email} is disabled: enable the account first.");
        }

        var (token, expires) = await invitations.CreateAsync(member.Id, actor.Name, cancellationToken);
        await audit.RecordAsync(actor, AuditActions.UserInvitationRenewed, null, member.Email, cancellationToken);
        return (new Invitation(member.Email, token, expires), null);
    }

    public async Task<string?> SetRolesAsync(AuditActor actor, TeamMember member, IReadOnlyDictionary<long, DashboardRole> roles, CancellationToken cancellationToken)
    {
        if (roles.Count == 0)
        {
            return "Give the user a role in at least one environment (or disable the account).";
        }

        if (!await KeepsAnAdminAsync(member.Id, roles, cancellationToken))
        {
            return "Someone must stay admin in every environment: make another user admin everywhere first.";
        }

        await users.SetRolesAsync(member.Id, roles, cancellationToken);
        var changes = AuditChanges.Diff(await RolesByNameAsync(member.Roles, cancellationToken), await RolesByNameAsync(roles, cancellationToken));
        if (changes.Count > 0)
        {
            await audit.RecordAsync(actor, AuditActions.UserRolesChanged, null, member.Email, changes, cancellationToken);
        }

        return null;
    }

    public async Task<string?> SetDisabledAsync(AuditActor actor, TeamMember member, bool disabled, CancellationToken cancellationToken)
    {
        if (disabled && member.Email == actor.Name)
        {
            return "You cannot disable your own account.";
        }

        if (disabled && !await KeepsAnAdminAsync(member.Id, null, cancellationToken))
        {
            return "Someone must stay admin in every environment: make another user admin everywhere first.";
        }

        await users.SetDisabledAsync(member, disabled, cancellationToken);
        await audit.RecordAsync(actor, disabled ? AuditActions.UserDisabled : AuditActions.UserEnabled, null, member.Email, cancellationToken);
        return null;
    }

    public async Task<string?> RemoveAsync(AuditActor actor, TeamMember member, CancellationToken cancellationToken)
    {
        if (member.Email == actor.Name)
        {
            return "You cannot remove your own account.";
        }

        if (!await KeepsAnAdminAsync(member.Id, null, cancellationToken))
        {
            return "Someone must stay admin in every environment: make another user admin everywhere first.";
        }

        await users.RemoveAsync(member, cancellationToken);
        await audit.RecordAsync(actor, AuditActions.UserRemoved, null, member.Email, cancellationToken);
        return null;
    }

    /// <summary>Whether, with this user's roles changed (or the user gone: null), an enabled user with a password is still admin everywhere.</summary>
    private async Task<bool> KeepsAnAdminAsync(long changedId, IReadOnlyDictionary<long, DashboardRole>? newRoles, CancellationToken cancellationToken)
    {
        var all = (await environments.ListAsync(cancellationToken)).Select(e => e.Id).ToArray();
        return (await users.ListAsync(cancellationToken))
            .Where(m => m.DisabledAt is null && m.HasPassword && (m.Id != changedId || newRoles is not null))
            .Select(m => m.Id == changedId ? newRoles! : m.Roles)
            .Any(roles => all.All(id => roles.TryGetValue(id, out var role) && role == DashboardRole.Admin));
    }

    private async Task<JsonObject> RolesByNameAsync(IReadOnlyDictionary<long, DashboardRole> roles, CancellationToken cancellationToken)
    {
        var result = new JsonObject();
        foreach (var environment in await environments.ListAsync(cancellationToken))
        {
            result[environment.Name] = roles.TryGetValue(environment.Id, out var role) ? DashboardRights.Name(role) : null;
        }

        return result;
    }
}
