using Latchkey.Server.Audit;
using Latchkey.Server.Dashboard.Pages;
using Latchkey.Server.Dashboard.Team;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Latchkey.Server.Dashboard.Mfa;

/// <summary>
/// Passwordless sign-in with a passkey, from the login page: the first POST starts a ceremony and shows the page that
/// asks the browser for a passkey of this site (user verification required: the device's PIN or biometrics stand for
/// the second factor); the second POST carries the signature. Throttled per IP like the login.
/// </summary>
public static class PasskeyLoginPages
{
    public const string Path = "/dashboard/login/passkey";

    public static async Task<IResult> SignInAsync(IFormCollection form, HttpContext http, DashboardContexts contexts, Passkeys passkeys, UserStore users,
        DashboardSessions sessions, AuditTrail audit, CancellationToken cancellationToken)
    {
        var answer = form["credential"].ToString();
        if (answer.Length == 0)
        {
            var (ceremony, options) = await passkeys.StartSignInAsync(http, null, cancellationToken);
            return Page(http, contexts, ceremony, options, null, StatusCodes.Status200OK);
        }

        var signedIn = answer.Length > Passkeys.MaxAnswerLength ? null : await passkeys.FinishSignInAsync(http, null, form["ceremony"].ToString(), answer, cancellationToken);
        var user = signedIn is null ? null : (await users.ListAsync(cancellationToken)).FirstOrDefault(m => m.Id == signedIn.UserId && m.DisabledAt is null);
        if (user is null)
        {
            await audit.RecordAsync(AuditActor.User("(passkey)", http), AuditActions.MfaLoginFailed, null, null, cancellationToken);
            var (ceremony, options) = await passkeys.StartSignInAsync(http, null, cancellationToken);
            return Page(http, contexts, ceremony, options, "That passkey was not accepted. Try again, or log in with your password.", StatusCodes.Status401Unauthorized);
        }

        return await DashboardAccess.SignInAsync(http, sessions, audit, user.Email, null, "passkey", cancellationToken);
    }

    private static RazorComponentResult<PasskeyLoginPage> Page(HttpContext http, DashboardContexts contexts, string ceremony, string options, string? problem, int status) =>
        new(new Dictionary<string, object?> { ["Csrf"] = contexts.Csrf(http), ["Ceremony"] = ceremony, ["Options"] = options, ["Problem"] = problem }) { StatusCode = status };
}
