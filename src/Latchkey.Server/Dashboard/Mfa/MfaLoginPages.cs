using System.Text.Json.Nodes;
using Latchkey.Server.Audit;
using Latchkey.Server.Dashboard.Pages;
using Latchkey.Server.Dashboard.Team;
using Latchkey.Server.Hosting.Validation;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Latchkey.Server.Dashboard.Mfa;

/// <summary>
/// The login's second step, after a right password: a code from the authenticator app or a recovery code. It is
/// throttled like the password (per IP, and a wrong code counts against the account's lockout) and the pending step
/// allows <see cref="MfaChallenges.MaxFailures"/> wrong codes within <see cref="MfaChallenges.Lifetime"/>.
/// </summary>
public static class MfaLoginPages
{
    public const string Path = "/dashboard/login/mfa";

    public static async Task<IResult> ShowAsync(HttpContext http, DashboardContexts contexts, MfaChallenges challenges, CancellationToken cancellationToken)
    {
        var challenge = await challenges.FindAsync(http.Request.Cookies[MfaChallenges.CookieName], cancellationToken);
        return challenge is null ? Results.Redirect("/dashboard/login") : Page(http, contexts, null, StatusCodes.Status200OK);
    }

    public static async Task<IResult> VerifyAsync(IFormCollection form, HttpContext http, DashboardContexts contexts, MfaChallenges challenges, UserStore users,
        MfaFactors factors, LoginThrottle throttle, DashboardSessions sessions, AuditTrail audit, CancellationToken cancellationToken)
    {
        var challenge = await challenges.FindAsync(http.Request.Cookies[MfaChallenges.CookieName], cancellationToken);
        if (challenge is null || await users.FindActiveAsync(challenge.Email, cancellationToken) is not { } user)
        {
            http.Response.Cookies.Delete(MfaChallenges.CookieName, new CookieOptions { Path = "/dashboard" });
            return DashboardAccess.LoginAgain(http, "The second step of your login expired. Log in again.");
        }

        if (throttle.IsLocked(user.Email))
        {
            return LoginThrottle.TooManyPage(http, $"Too many failed logins for this account: it is locked for up to {throttle.LockoutMinutes} minutes.");
        }

        var code = TotpCode.Clean(form["code"].ToString());
        var factor = code.Length == TotpCode.Digits ? "totp" : "recovery_code";
        var right = code.Length is > 0 and <= InputLimits.Name && (factor == "totp"
            ? await factors.VerifyTotpAsync(user.Id, code, cancellationToken)
            : await factors.UseRecoveryCodeAsync(user.Id, code, cancellationToken));
        if (!right)
        {
            throttle.RecordFailure(user.Email);
            await audit.RecordAsync(AuditActor.User(user.Email, http), AuditActions.MfaLoginFailed, null, user.Email, new JsonObject { ["factor"] = factor }, cancellationToken);
            if (!await challenges.FailAsync(challenge, cancellationToken))
            {
                http.Response.Cookies.Delete(MfaChallenges.CookieName, new CookieOptions { Path = "/dashboard" });
                return DashboardAccess.LoginAgain(http, "Too many wrong codes. Log in again.");
            }

            return Page(http, contexts, "That code is not right, or was already used. Try the current one.", StatusCodes.Status401Unauthorized);
        }

        if (!await challenges.FinishAsync(challenge, cancellationToken))
        {
            return DashboardAccess.LoginAgain(http, "The second step of your login expired. Log in again.");
        }

        http.Response.Cookies.Delete(MfaChallenges.CookieName, new CookieOptions { Path = "/dashboard" });
        if (factor == "recovery_code")
        {
            await audit.RecordAsync(AuditActor.User(user.Email, http), AuditActions.MfaRecoveryCodeUsed, null, user.Email, cancellationToken);
        }

        return await DashboardAccess.SignInAsync(http, sessions, audit, user.Email, challenge.ReturnUrl, factor, cancellationToken);
    }

    private static RazorComponentResult<MfaLoginPage> Page(HttpContext http, DashboardContexts contexts, string? problem, int status) =>
        new(new Dictionary<string, object?> { ["Csrf"] = contexts.Csrf(http), ["Problem"] = problem }) { StatusCode = status };
}
