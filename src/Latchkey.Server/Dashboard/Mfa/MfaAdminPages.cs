using System.Text.Json.Nodes;
using Latchkey.Server.Audit;
using Latchkey.Server.Dashboard.Team;

namespace Latchkey.Server.Dashboard.Mfa;

/// <summary>What an admin of every environment does about MFA on the Users page: require it for everyone, reset a user's factors.</summary>
public static class MfaAdminPages
{
    public static async Task<IResult> SetRequirementAsync(string env, IFormCollection form, HttpContext http, DashboardContexts contexts, MfaPolicy policy, AuditTrail audit,
        CancellationToken cancellationToken)
    {
        var ctx = (await contexts.ForAsync(http, env, "users", cancellationToken))!;
        var required = form["require_mfa"].ToString() == "true";
        if (required != await policy.IsRequiredAsync(cancellationToken))
        {
            await policy.SetRequiredAsync(required, cancellationToken);
            await audit.RecordAsync(ctx.Actor, AuditActions.MfaRequirementChanged, null, null, new JsonObject { ["require_mfa"] = required }, cancellationToken);
        }

        var done = required ? "MFA is required: users without a second factor must set one up before anything else." : "MFA is optional.";
        return Results.Redirect(ctx.Url("users") + "?done=" + Uri.EscapeDataString(done));
    }

    /// <summary>For a user who lost their app and recovery codes: their factors go, and the next login needs only the password.</summary>
    public static async Task<IResult> ResetAsync(string env, long id, IFormCollection form, HttpContext http, DashboardContexts contexts, UserStore users, MfaFactors factors,
        AuditTrail audit, CancellationToken cancellationToken)
    {
        var ctx = (await contexts.ForAsync(http, env, "users", cancellationToken))!;
        if ((await users.ListAsync(cancellationToken)).FirstOrDefault(m => m.Id == id) is not { } member)
        {
            return DashboardAccess.NotFoundPage();
        }

        await factors.ResetAsync(member.Id, cancellationToken);
        await audit.RecordAsync(ctx.Actor, AuditActions.MfaReset, null, member.Email, cancellationToken);
        return Results.Redirect(ctx.Url("users") + "?done=" + Uri.EscapeDataString($"The second factors of {member.Email} are removed."));
    }
}
