using System.Globalization;
using System.Security.Claims;
using System.Text.Json.Nodes;
using Latchkey.Server.Audit;
using Latchkey.Server.Dashboard.Mfa;
using Latchkey.Server.Dashboard.Pages;
using Latchkey.Server.Dashboard.SingleSignOn;
using Latchkey.Server.Dashboard.Team;
using Latchkey.Server.Environments;
using Latchkey.Server.Hosting.Validation;
using Microsoft.AspNetCore.Antiforgery;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Latchkey.Server.Dashboard;

/// <summary>What every dashboard page knows: the environment, the others to switch to, the user and their role, the form token, a notice.</summary>
public sealed record DashboardContext(EnvironmentRecord Environment, IReadOnlyList<string> Environments, string Csrf, DashboardUser User, bool CanManageUsers, string Section)
{
    public string Env => Environment.Name;

    public string Email => User.Email;

    public DashboardRole? Role => User.RoleIn(Environment.Id);

    /// <summary>Who the audit trail names for what this request changes.</summary>
    public required AuditActor Actor { get; init; }

    public string? Notice { get; init; }

    public string? Problem { get; init; }

    public string Url(string path) => $"/dashboard/{Uri.EscapeDataString(Env)}/{path}";

    /// <summary>For showing only what the user may use; every endpoint checks again on the server (<see cref="DashboardAuthorization"/>).</summary>
    public bool Can(DashboardRight right) =>
        right == DashboardRight.ManageUsers ? CanManageUsers : Role is { } role && DashboardRights.Allows(role, right, Env);
}

public sealed class DashboardContexts(EnvironmentStore environments, IAntiforgery antiforgery)
{
    public async Task<DashboardContext?> ForAsync(HttpContext http, string env, string section, CancellationToken cancellationToken)
    {
        var all = await environments.ListAsync(cancellationToken);
        var current = all.FirstOrDefault(e => e.Name == env);
        var user = DashboardUser.Of(http) ?? throw new InvalidOperationException("Dashboard pages run after DashboardAuthorization has attached the user.");
        return current is null ? null : new DashboardContext(current, all.Where(e => user.RoleIn(e.Id) is not null).Select(e => e.Name).ToArray(), Csrf(http), user,
            user.IsAdminOfAll(all.Select(e => e.Id)), section) { Actor = AuditActor.User(user.Email, http) };
    }

    /// <summary>For the pages of one's own account, which belong to no environment: the first one the user has a role in.</summary>
    public async Task<DashboardContext> ForAccountAsync(HttpContext http, CancellationToken cancellationToken)
    {
        var user = DashboardUser.Of(http) ?? throw new InvalidOperationException("Dashboard pages run after DashboardAuthorization has attached the user.");
        var all = await environments.ListAsync(cancellationToken);
        var env = all.FirstOrDefault(e => user.RoleIn(e.Id) is not null) ?? all[0];
        return (await ForAsync(http, env.Name, "account", cancellationToken))!;
    }

    public string Csrf(HttpContext http) => antiforgery.GetAndStoreTokens(http).RequestToken!;
}

/// <summary>Login, logout, the home redirect, security headers and the page helpers.</summary>
public static class DashboardAccess
{
    public static IResult Page<TPage>(DashboardContext context, object model, int status = StatusCodes.Status200OK)
        where TPage : Microsoft.AspNetCore.Components.IComponent =>
        new RazorComponentResult<TPage>(new Dictionary<string, object?> { ["Ctx"] = context, ["Model"] = model }) { StatusCode = status };

    public static IResult NotFoundPage() => Results.Text("Not found", "text/plain", statusCode: StatusCodes.Status404NotFound);

    /// <summary>The connections of the first environment the user has a role in (the login page when signed out).</summary>
    public static async Task<IResult> HomeAsync(HttpContext http, EnvironmentStore environments, CancellationToken cancellationToken)
    {
        var result = await http.AuthenticateAsync(DashboardFeature.Scheme);
        if (!result.Succeeded || DashboardUser.Of(http) is not { } user)
        {
            return Results.Redirect("/dashboard/login");
        }

        var first = (await environments.ListAsync(cancellationToken)).FirstOrDefault(e => user.RoleIn(e.Id) is not null);
        return Results.Redirect($"/dashboard/{Uri.EscapeDataString(first?.Name ?? "dev")}/connections");
    }

    public static IResult ShowLogin(HttpContext http, DashboardContexts contexts, string? returnUrl, string? joined, string? sso) =>
        LoginPage(contexts.Csrf(http), returnUrl, problem: SsoRefusals.Sentence(sso), StatusCodes.Status200OK, joined is null ? null : "Your password is set. Log in with it.");

    /// <summary>The login page again, saying why (the second step expired or had too many wrong codes).</summary>
    internal static RazorComponentResult<LoginPage> LoginAgain(HttpContext http, string problem) =>
        LoginPage(http.RequestServices.GetRequiredService<DashboardContexts>().Csrf(http), null, problem, StatusCodes.Status401Unauthorized);

    public static async Task<IResult> LogInAsync(
        HttpContext http, IFormCollection form, UserStore users, DashboardSessions sessions, LoginThrottle throttle, DashboardContexts contexts, AuditTrail audit,
        MfaFactors factors, MfaChallenges challenges, CancellationToken cancellationToken)
    {
        var email = form["email"].ToString();
        var password = form["password"].ToString();
        var returnUrl = form["returnUrl"].ToString();
        if (email.Length is 0 or > InputLimits.Name || password.Length is 0 or > InputLimits.Password)
        {
            await RecordFailureAsync(audit, http, email, "malformed", cancellationToken);
            return LoginPage(contexts.Csrf(http), returnUrl, "Wrong e-mail or password.", StatusCodes.Status401Unauthorized);
        }

        // Locked whether or not the account exists, so the lockout does not tell either.
        if (throttle.IsLocked(email))
        {
            await RecordFailureAsync(audit, http, email, "locked", cancellationToken);
            http.Response.Headers.RetryAfter = (throttle.LockoutMinutes * 60).ToString(CultureInfo.InvariantCulture);
            return LoginThrottle.TooManyPage(http, $"Too many failed logins for this account: it is locked for up to {throttle.LockoutMinutes} minutes.");
        }

        using var turn = await throttle.HashingTurnAsync(cancellationToken);
        if (turn is null)
        {
            http.Response.Headers.RetryAfter = "1";
            return LoginThrottle.TooManyPage(http, "Too many logins at once. Try again in a moment.");
        }

        var check = await users.VerifyAsync(email, password, cancellationToken);
        if (check == LoginCheck.Wrong)
        {
            throttle.RecordFailure(email);
            await RecordFailureAsync(audit, http, email, "wrong e-mail or password", cancellationToken);
            return LoginPage(contexts.Csrf(http), returnUrl, "Wrong e-mail or password.", StatusCodes.Status401Unauthorized);
        }

        if (check == LoginCheck.Disabled)
        {
            await RecordFailureAsync(audit, http, email, "disabled", cancellationToken);
            return LoginPage(contexts.Csrf(http), returnUrl, "This account is disabled. Ask an administrator.", StatusCodes.Status403Forbidden);
        }

        // With a second factor the password only opens the second step: no session exists before it is done.
        var admin = UserStore.Normalise(email);
        var local = IsLocalDashboardUrl(returnUrl) ? returnUrl : null;
        if (await users.FindActiveAsync(admin, cancellationToken) is { } user && (await factors.StatusAsync(user.Id, cancellationToken)).Any)
        {
            return Results.Redirect(await StartSecondStepAsync(http, challenges, admin, local, cancellationToken));
        }

        return await SignInAsync(http, sessions, audit, admin, local, factor: null, cancellationToken);
    }

    /// <summary>
    /// Opens the login's second step for a user with a factor, after their password or single sign-on: a challenge
    /// cookie, no session yet. Returns the step's page.
    /// </summary>
    internal static async Task<string> StartSecondStepAsync(HttpContext http, MfaChallenges challenges, string email, string? returnUrl, CancellationToken cancellationToken)
    {
        var challenge = await challenges.StartAsync(email, returnUrl, cancellationToken);
        http.Response.Cookies.Append(MfaChallenges.CookieName, challenge, new CookieOptions
        {
            HttpOnly = true, SameSite = SameSiteMode.Strict, Path = "/dashboard", Secure = http.Request.IsHttps, MaxAge = MfaChallenges.Lifetime,
        });
        return MfaLoginPages.Path;
    }

    /// <summary>Starts the session of a user who passed every step of the login, and sends them where they were going.</summary>
    internal static async Task<IResult> SignInAsync(HttpContext http, DashboardSessions sessions, AuditTrail audit, string email, string? returnUrl, string? factor,
        CancellationToken cancellationToken)
    {
        await sessions.SignInAsync(http, email, cancellationToken);
        await audit.RecordAsync(AuditActor.User(email, http), AuditActions.LoginSucceeded, null, null,
            factor is null ? null : new JsonObject { ["second_factor"] = factor }, cancellationToken);
        return Results.Redirect(returnUrl is not null && IsLocalDashboardUrl(returnUrl) ? returnUrl : "/dashboard/");
    }

    /// <summary>Ends this session on every instance (its row is deleted), then drops the cookie.</summary>
    public static async Task<IResult> LogOutAsync(HttpContext http, IFormCollection form, DashboardSessions sessions, AuditTrail audit, CancellationToken cancellationToken)
    {
        _ = form; // Binding the form makes the endpoint validate the antiforgery token.
        if (http.User.FindFirstValue(DashboardSessions.ClaimType) is { } session)
        {
            await sessions.EndAsync(session, cancellationToken);
            await audit.RecordAsync(AuditActor.User(http.User.FindFirstValue(ClaimTypes.Email) ?? "", http), AuditActions.Logout, null, null, cancellationToken);
        }

        await http.SignOutAsync(DashboardFeature.Scheme);
        return Results.Redirect("/dashboard/login");
    }

    /// <summary>The dashboard is never framed, caches nothing, and loads nothing from elsewhere.</summary>
    public static async ValueTask<object?> SecurityHeaders(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        var headers = context.HttpContext.Response.Headers;
        // "no-cache" too: antiforgery sets exactly this on every page with a form token, and logs a warning each time
        // it has to override a value without "no-cache".
        headers.CacheControl = "no-cache, no-store";
        headers.Pragma = "no-cache";
        // Scripts only from files served here (no inline script, no event attribute); inline styles stay allowed. Frames
        // only from here: the settings page previews this server's own Connect UI.
        headers.ContentSecurityPolicy = "default-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'; script-src 'self'; frame-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'";
        headers.XFrameOptions = "DENY";
        return await next(context);
    }

    /// <summary>
    /// A failed login names the address typed only when it is one: people type passwords into the e-mail field too,
    /// and the audit trail must never keep one.
    /// </summary>
    private static Task RecordFailureAsync(AuditTrail audit, HttpContext http, string email, string reason, CancellationToken cancellationToken)
    {
        var who = email.Length <= InputLimits.Name && Identifiers.EmailPattern().IsMatch(email.Trim()) ? email.Trim().ToLowerInvariant() : "(not an e-mail address)";
        return audit.RecordAsync(AuditActor.User(who, http), AuditActions.LoginFailed, null, null, new JsonObject { ["reason"] = reason }, cancellationToken);
    }

    private static RazorComponentResult<LoginPage> LoginPage(string csrf, string? returnUrl, string? problem, int status, string? notice = null) =>
        new(new Dictionary<string, object?> { ["Csrf"] = csrf, ["ReturnUrl"] = returnUrl, ["Problem"] = problem, ["Notice"] = notice }) { StatusCode = status };

    private static bool IsLocalDashboardUrl(string url) =>
        url.StartsWith("/dashboard/", StringComparison.Ordinal) && !url.StartsWith("//", StringComparison.Ordinal) && !url.Contains('\\', StringComparison.Ordinal);
}
