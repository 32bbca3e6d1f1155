using System.Text.Json.Nodes;
using Latchkey.Server.Audit;
using Latchkey.Server.Dashboard.Pages;

namespace Latchkey.Server.Dashboard.Mfa;

/// <summary>
/// Passkeys on the Account security page: name one, the browser creates it (dashboard.js calls
/// navigator.credentials.create with the options of the page), the server verifies and keeps it. A first factor
/// comes with recovery codes, shown once.
/// </summary>
public static class PasskeyPages
{
    public static async Task<IResult> StartAsync(IFormCollection form, HttpContext http, DashboardContexts contexts, MfaFactors factors, PasskeyStore store, Passkeys passkeys,
        CancellationToken cancellationToken)
    {
        var ctx = await contexts.ForAccountAsync(http, cancellationToken);
        var name = form["name"].ToString().Trim();
        if (name.Length is 0 or > 100)
        {
            return await AccountSecurityPages.RenderAsync(ctx with { Problem = "Give the passkey a name of up to 100 characters (such as \"work laptop\")." },
                factors, store, new AccountSecurityPages.Extras(), cancellationToken, StatusCodes.Status400BadRequest);
        }

        var (ceremony, options) = await passkeys.StartRegistrationAsync(http, ctx.User.Id, ctx.Email, cancellationToken);
        return await AccountSecurityPages.RenderAsync(ctx, factors, store,
            new AccountSecurityPages.Extras { Registration = new AccountSecurityPage.Registration(ceremony, options, name) }, cancellationToken);
    }

    public static async Task<IResult> FinishAsync(IFormCollection form, HttpContext http, DashboardContexts contexts, MfaFactors factors, PasskeyStore store, Passkeys passkeys,
        AuditTrail audit, CancellationToken cancellationToken)
    {
        var ctx = await contexts.ForAccountAsync(http, cancellationToken);
        var name = form["name"].ToString().Trim();
        var answer = form["credential"].ToString();
        var before = await factors.StatusAsync(ctx.User.Id, cancellationToken);
        var problem = answer.Length == 0 ? "Your browser did not create a passkey (it needs JavaScript and a passkey provider)."
            : answer.Length > Passkeys.MaxAnswerLength || name.Length is 0 or > 100 ? "That passkey answer is not valid."
            : await passkeys.FinishRegistrationAsync(http, ctx.User.Id, form["ceremony"].ToString(), answer, name, cancellationToken);
        if (problem is not null)
        {
            return await AccountSecurityPages.RenderAsync(ctx with { Problem = problem }, factors, store, new AccountSecurityPages.Extras(), cancellationToken,
                StatusCodes.Status400BadRequest);
        }

        await audit.RecordAsync(ctx.Actor, AuditActions.MfaEnrolled, null, ctx.Email, new JsonObject { ["factor"] = "passkey", ["name"] = name }, cancellationToken);
        var codes = before.RecoveryCodesLeft == 0 ? await factors.NewRecoveryCodesAsync(ctx.User.Id, cancellationToken) : null;
        var done = ctx with { Notice = $"Passkey \"{name}\" added: logins can use it.", User = ctx.User with { MustEnrolMfa = false } };
        return await AccountSecurityPages.RenderAsync(done, factors, store, new AccountSecurityPages.Extras { RecoveryCodes = codes }, cancellationToken);
    }

    public static async Task<IResult> RemoveAsync(long id, IFormCollection form, HttpContext http, DashboardContexts contexts, PasskeyStore store, AuditTrail audit,
        CancellationToken cancellationToken)
    {
        var ctx = await contexts.ForAccountAsync(http, cancellationToken);
        if (await store.RemoveAsync(ctx.User.Id, id, cancellationToken) is not { } name)
        {
            return DashboardAccess.NotFoundPage();
        }

        await audit.RecordAsync(ctx.Actor, AuditActions.MfaRemoved, null, ctx.Email, new JsonObject { ["factor"] = "passkey", ["name"] = name }, cancellationToken);
        return Results.Redirect(AccountSecurityPages.Path + "?done=" + Uri.EscapeDataString($"Passkey \"{name}\" removed."));
    }
}
