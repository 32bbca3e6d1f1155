using Latchkey.Server.Dashboard.Mfa;
using Latchkey.Server.Dashboard.Pages;
using Latchkey.Server.Environments;
using Microsoft.AspNetCore.Authentication;

namespace Latchkey.Server.Dashboard.Team;

/// <summary>
/// The one check in front of every signed-in dashboard endpoint: a live session of an enabled user, and the user's
/// role in the route's environment allowing the permission the route declares. A route that declares none is refused,
/// so a new page cannot be left open by forgetting it. Refusals are a 403 page saying what the role does not allow.
/// </summary>
public static class DashboardAuthorization
{
    public static async ValueTask<object?> Filter(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        var http = context.HttpContext;
        var result = await http.AuthenticateAsync(DashboardFeature.Scheme);
        if (!result.Succeeded || DashboardUser.Of(http) is not { } user)
        {
            // Anonymous visitors are sent to the login page (forms get 401).
            return HttpMethods.IsGet(http.Request.Method)
                ? Results.Redirect("/dashboard/login?returnUrl=" + Uri.EscapeDataString(http.Request.Path + http.Request.QueryString))
                : Results.StatusCode(StatusCodes.Status401Unauthorized);
        }

        http.User = result.Principal;
        var permission = http.GetEndpoint()?.Metadata.GetMetadata<DashboardRightMetadata>()?.Right;
        if (user.MustEnrolMfa && permission != DashboardRight.SignedIn)
        {
            // Required MFA: until a second factor is set up, only the account's own pages and logging out are open.
            return HttpMethods.IsGet(http.Request.Method)
                ? Results.Redirect(AccountSecurityPages.Path)
                : Results.Text("Set up a second factor first (" + AccountSecurityPages.Path + ").", "text/plain", statusCode: StatusCodes.Status403Forbidden);
        }

        if (permission == DashboardRight.SignedIn)
        {
            return await next(context);
        }

        var environments = await http.RequestServices.GetRequiredService<EnvironmentStore>().ListAsync(http.RequestAborted);
        var current = environments.FirstOrDefault(e => e.Name == http.GetRouteValue("env") as string);
        if (current is null)
        {
            return DashboardAccess.NotFoundPage();
        }

        var role = user.RoleIn(current.Id);
        var allowed = permission switch
        {
            null => false,
            DashboardRight.ManageUsers => user.IsAdminOfAll(environments.Select(e => e.Id)),
            { } wanted => role is { } held && DashboardRights.Allows(held, wanted, current.Name),
        };
        return allowed ? await next(context) : await ForbiddenAsync(http, current, role, permission);
    }

    private static async Task<IResult> ForbiddenAsync(HttpContext http, EnvironmentRecord environment, DashboardRole? role, DashboardRight? permission)
    {
        var ctx = await http.RequestServices.GetRequiredService<DashboardContexts>().ForAsync(http, environment.Name, "", http.RequestAborted);
        var message = role is { } held
            ? $"Your role in {environment.Name} ({DashboardRights.Name(held)}) does not allow you to {DashboardRights.Describe(permission ?? DashboardRight.ManageUsers)}."
            : $"You have no role in the {environment.Name} environment.";
        return DashboardAccess.Page<ForbiddenPage>(ctx!, message + " Ask an administrator if you need it.", StatusCodes.Status403Forbidden);
    }
}
