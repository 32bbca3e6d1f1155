using Latchkey.Server.Audit;
using Latchkey.Server.Dashboard.Pages;
using Latchkey.Server.Hosting;
using Latchkey.Server.Hosting.Validation;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Latchkey.Server.Dashboard.Team;

/// <summary>
/// Accepting an invitation: the link opens a form to choose a password (the token travels on in the form's body, not
/// in a URL); the password is set, the invitation used, and the user goes to the login page.
/// </summary>
public static class InvitationPages
{
    public const int MinPasswordLength = 10;

    public static string LinkFor(PublicUrls urls, string token) => $"{urls.Server}/dashboard/invitation?token={Uri.EscapeDataString(token)}";

    public static async Task<IResult> ShowAsync(string? token, HttpContext http, DashboardContexts contexts, InvitationStore invitations, CancellationToken cancellationToken)
    {
        var email = token is { Length: > 0 and <= 100 } ? await invitations.FindEmailAsync(token, cancellationToken) : null;
        return email is null ? Gone(http, contexts) : Page(http, contexts, token!, email, null, StatusCodes.Status200OK);
    }

    public static async Task<IResult> AcceptAsync(IFormCollection form, HttpContext http, DashboardContexts contexts, InvitationStore invitations, LoginThrottle throttle,
        AuditTrail audit, CancellationToken cancellationToken)
    {
        var token = form["token"].ToString();
        var password = form["password"].ToString();
        var email = token.Length is > 0 and <= 100 ? await invitations.FindEmailAsync(token, cancellationToken) : null;
        if (email is null)
        {
            return Gone(http, contexts);
        }

        var problem = password.Length < MinPasswordLength ? $"Choose a password of at least {MinPasswordLength} characters."
            : password.Length > InputLimits.Password ? "That password is too long."
            : password != form["confirm"].ToString() ? "The two passwords differ."
            : string.Equals(password, email, StringComparison.OrdinalIgnoreCase) ? "Choose a password other than your e-mail address."
            : null;
        if (problem is not null)
        {
            return Page(http, contexts, token, email, problem, StatusCodes.Status400BadRequest);
        }

        // Hashing is the costly part of the request: it takes a turn like a login does.
        using var turn = await throttle.HashingTurnAsync(cancellationToken);
        if (turn is null)
        {
            http.Response.Headers.RetryAfter = "1";
            return Page(http, contexts, token, email, "Too many requests at once. Try again in a moment.", StatusCodes.Status429TooManyRequests);
        }

        var joined = await invitations.AcceptAsync(token, UserStore.HashPassword(password), cancellationToken);
        if (joined is null)
        {
            return Gone(http, contexts);
        }

        await audit.RecordAsync(AuditActor.User(joined, http), AuditActions.UserJoined, null, joined, cancellationToken);
        return Results.Redirect("/dashboard/login?joined=1");
    }

    private static RazorComponentResult<InvitationPage> Page(HttpContext http, DashboardContexts contexts, string? token, string? email, string? problem, int status) =>
        new(new Dictionary<string, object?> { ["Csrf"] = contexts.Csrf(http), ["Token"] = token, ["Email"] = email, ["Problem"] = problem }) { StatusCode = status };

    private static RazorComponentResult<InvitationPage> Gone(HttpContext http, DashboardContexts contexts) =>
        Page(http, contexts, null, null, "This invitation link is not valid any more: it was used, it expired, or a newer one replaced it. Ask an administrator for a new link.",
            StatusCodes.Status404NotFound);
}
