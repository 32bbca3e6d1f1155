using System.Text.Json.Nodes;
using Latchkey.Server.Audit;
using Latchkey.Server.Dashboard.Mfa;
using Microsoft.AspNetCore.Authentication;
using Microsoft.IdentityModel.Protocols.OpenIdConnect;

namespace Latchkey.Server.Dashboard.SingleSignOn;

/// <summary>
/// The two dashboard routes of single sign-on: the start (the login page's button) and the end, after the handler
/// has taken the provider's answer at <see cref="SingleSignOnSetup.CallbackPath"/>. Every failure lands on the login
/// page with its sentence (<c>?sso=</c>), never an error page.
/// </summary>
public static class SsoEndpoints
{
    public static void Map(RouteGroupBuilder open)
    {
        // Counted with the password logins of the address: each start may cost the provider a round trip, each end a write.
        open.MapGet("/sso", StartAsync).RequireRateLimiting(LoginThrottle.PerIpPolicy);
        open.MapGet("/sso/complete", CompleteAsync).RequireRateLimiting(LoginThrottle.PerIpPolicy);
    }

    /// <summary>Sends the browser to the provider (the handler adds state, nonce and the PKCE challenge).</summary>
    public static async Task StartAsync(HttpContext http, string? returnUrl, SsoAccounts accounts, ILoggerFactory loggers)
    {
        if (await http.RequestServices.GetRequiredService<IAuthenticationSchemeProvider>().GetSchemeAsync(SingleSignOnSetup.ProviderScheme) is null)
        {
            http.Response.StatusCode = StatusCodes.Status404NotFound;
            return;
        }

        var next = SingleSignOnSetup.CompletePath + (IsLocalDashboardUrl(returnUrl) ? "?returnUrl=" + Uri.EscapeDataString(returnUrl!) : "");
        try
        {
            await http.ChallengeAsync(SingleSignOnSetup.ProviderScheme, new AuthenticationProperties { RedirectUri = next });
        }
        catch (Exception exception) when (exception is InvalidOperationException or HttpRequestException or TaskCanceledException && !http.RequestAborted.IsCancellationRequested)
        {
            // The discovery document could not be fetched (the provider is down or unreachable).
            loggers.CreateLogger(typeof(SsoEndpoints)).LogWarning("Single sign-on could not reach the identity provider: {Reason}", exception.Message);
            await accounts.RefuseAsync(http, "(unknown)", SsoRefusal.Unavailable, http.RequestAborted);
            http.Response.Redirect(LoginWith(SsoRefusal.Unavailable));
        }
    }

    /// <summary>Turns the provider's identity (in the external cookie) into a dashboard session, exactly as a password login ends.</summary>
    public static async Task<IResult> CompleteAsync(HttpContext http, string? returnUrl, SsoAccounts accounts, DashboardSessions sessions,
        MfaFactors factors, MfaChallenges challenges, CancellationToken cancellationToken)
    {
        // Without single sign-on the external scheme does not exist, and asking it would throw.
        if (await http.RequestServices.GetRequiredService<IAuthenticationSchemeProvider>().GetSchemeAsync(SingleSignOnSetup.ExternalScheme) is null)
        {
            return Results.NotFound();
        }

        var external = await http.AuthenticateAsync(SingleSignOnSetup.ExternalScheme);
        if (!external.Succeeded || external.Principal is null)
        {
            return Results.Redirect(LoginWith(SsoRefusal.Expired));
        }

        // The provider's identity is used once: dropped whatever the outcome.
        await http.SignOutAsync(SingleSignOnSetup.ExternalScheme);
        var (user, refusal) = await accounts.AdmitAsync(external.Principal, http, cancellationToken);
        if (user is null)
        {
            return Results.Redirect(LoginWith(refusal!.Value));
        }

        // A page, not a redirect: the browser got here through the provider's redirect, a cross-site chain, and would
        // not send the SameSite=Strict dashboard cookies on a redirect at its end. A navigation from this page is same-site.
        var target = IsLocalDashboardUrl(returnUrl) ? returnUrl! : "/dashboard/";
        if ((await factors.StatusAsync(user.Id, cancellationToken)).Any)
        {
            // The user's own second factor still applies: the identity provider's MFA, if any, is invisible from here,
            // and "Require MFA for everyone" promises a factor Latchkey has checked.
            return Results.Content(ContinuePage(await DashboardAccess.StartSecondStepAsync(http, challenges, user.Email, target, cancellationToken)), "text/html; charset=utf-8");
        }

        await sessions.SignInAsync(http, user.Email, cancellationToken);
        return Results.Content(ContinuePage(target), "text/html; charset=utf-8");
    }

    /// <summary>The provider answered with an error, or its answer did not validate (state, nonce, signature, code exchange).</summary>
    public static async Task ProviderFailedAsync(RemoteFailureContext context)
    {
        var http = context.HttpContext;
        // The handler puts the provider's error code in the exception's data; its description may echo input, so it is left out.
        var error = (context.Failure as OpenIdConnectProtocolException)?.Data["error"] as string;
        var refusal = context.Failure?.Message.Contains("Correlation failed", StringComparison.Ordinal) == true ? SsoRefusal.Expired : SsoRefusal.Provider;
        http.RequestServices.GetRequiredService<ILoggerFactory>().CreateLogger(typeof(SsoEndpoints))
            .LogWarning("Single sign-on failed at the callback: {Error}", error ?? context.Failure?.GetType().Name);
        var changes = new JsonObject { ["reason"] = SsoRefusals.Reason(refusal) };
        if (error is { Length: <= 64 })
        {
            changes["error"] = error;
        }

        await http.RequestServices.GetRequiredService<AuditTrail>().RecordAsync(AuditActor.User("(unknown)", http), AuditActions.SsoLoginRefused, null, null, changes, http.RequestAborted);
        http.Response.Redirect(LoginWith(refusal));
        context.HandleResponse();
    }

    private static string LoginWith(SsoRefusal refusal) => "/dashboard/login?sso=" + SsoRefusals.Code(refusal);

    private static string ContinuePage(string target)
    {
        var href = System.Net.WebUtility.HtmlEncode(target);
        return $"""
            <!DOCTYPE html>
            <html lang="en"><head><meta charset="utf-8"><meta http-equiv="refresh" content="0;url={href}"><title>Signed in · Latchkey</title>
            <link rel="stylesheet" href="/dashboard/assets/dashboard.css"></head>
            <body class="login"><main><p class="card">Signed in. <a id="continue" href="{href}">Continue to the dashboard</a></p></main></body></html>
            """;
    }

    private static bool IsLocalDashboardUrl(string? url) =>
        url is not null && url.StartsWith("/dashboard/", StringComparison.Ordinal) && !url.StartsWith("//", StringComparison.Ordinal) && !url.Contains('\\', StringComparison.Ordinal);
}
