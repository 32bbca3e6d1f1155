using System.Text.Json.Nodes;
using Latchkey.Server.Audit;
using Latchkey.Server.Dashboard.Pages;
using Latchkey.Server.Dashboard.Team;
using Latchkey.Server.Hosting.Validation;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Latchkey.Server.Dashboard.Mfa;

/// <summary>
/// The login's second step, after a right password: a code from the authenticator app, a recovery code, or a passkey. It is
/// throttled like the password (per IP, and a wrong code counts against the account's lockout) and the pending step
/// allows <see cref="MfaChallenges.MaxFailures"/> wrong codes within <see cref="MfaChallenges.Lifetime"/>.
/// </summary>
public static class MfaLoginPages
{
    public const string Path = "/dashboard/login/mfa";

    public static async Task<IResult> ShowAsync(HttpContext http, DashboardContexts contexts, MfaChallenges challenges, UserStore users, Passkeys passkeys, PasskeyStore store,
        CancellationToken cancellationToken)
    {
        var challenge = await challenges.FindAsync(http.Request.Cookies[MfaChallenges.CookieName], cancellationToken);
        return challenge is null || await users.FindActiveAsync(challenge.Email, cancellationToken) is not { } user
            ? Results.Redirect("/dashboard/login")
            : await PageAsync(http, contexts, passkeys, store, user.Id, null, StatusCodes.Status200OK, cancellationToken);
    }

    public static async Task<IResult> VerifyAsync(IFormCollection form, HttpContext http, DashboardContexts contexts, MfaChallenges challenges, UserStore users,
        MfaFactors factors, Passkeys passkeys, PasskeyStore store, LoginThrottle throttle, DashboardSessions sessions, AuditTrail audit, CancellationToken cancellationToken)
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
        var answer = form["credential"].ToString();
        var factor = answer.Length > 0 ? "passkey" : code.Length == TotpCode.Digits ? "totp" : "recovery_code";
        var right = factor switch
        {
            "passkey" => answer.Length <= Passkeys.MaxAnswerLength && await passkeys.FinishSignInAsync(http, user.Id, form["ceremony"].ToString(), answer, cancellationToken) is not null,
            "totp" => await factors.VerifyTotpAsync(user.Id, code, cancellationToken),
            _ => code.Length is > 0 and <= InputLimits.Name && await factors.UseRecoveryCodeAsync(user.Id, code, cancellationToken),
        };
        if (!right)
        {
            throttle.RecordFailure(user.Email);
            await audit.RecordAsync(AuditActor.User(user.Email, http), AuditActions.MfaLoginFailed, null, user.Email, new JsonObject { ["factor"] = factor }, cancellationToken);
            if (!await challenges.FailAsync(challenge, cancellationToken))
            {
                http.Response.Cookies.Delete(MfaChallenges.CookieName, new CookieOptions { Path = "/dashboard" });
                return DashboardAccess.LoginAgain(http, "Too many wrong codes. Log in again.");
            }

            var problem = factor == "passkey" ? "That passkey was not accepted." : "That code is not right, or was already used. Try the current one.";
            return await PageAsync(http, contexts, passkeys, store, user.Id, problem, StatusCodes.Status401Unauthorized, cancellationToken);
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

    /// <summary>The second step's page; for a user with passkeys it carries a fresh sign-in ceremony for them.</summary>
    private static async Task<RazorComponentResult<MfaLoginPage>> PageAsync(HttpContext http, DashboardContexts contexts, Passkeys passkeys, PasskeyStore store, long userId,
        string? problem, int status, CancellationToken cancellationToken)
    {
        var (ceremony, options) = (await store.ListAsync(userId, cancellationToken)).Count > 0
            ? await passkeys.StartSignInAsync(http, userId, cancellationToken)
            : ((string?)null, (string?)null);
        return new(new Dictionary<string, object?>
        {
            ["Csrf"] = contexts.Csrf(http), ["Problem"] = problem, ["PasskeyCeremony"] = ceremony, ["PasskeyOptions"] = options,
        })
        { StatusCode = status };
    }
}
