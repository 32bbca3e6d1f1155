using System.Security.Claims;
using System.Text.Json.Nodes;
using Latchkey.Server.Audit;
using Latchkey.Server.Dashboard.Team;
using Latchkey.Server.Environments;
using Latchkey.Server.Hosting.Validation;
using Microsoft.Extensions.Options;

namespace Latchkey.Server.Dashboard.SingleSignOn;

/// <summary>Why single sign-on let nobody in; each has its sentence on the login page (<see cref="SsoRefusals"/>).</summary>
public enum SsoRefusal
{
    NoEmail,
    Unverified,
    Domain,
    Disabled,
    Provider,
    Expired,
    Unavailable,
}

/// <summary>
/// Who a provider's identity is on the dashboard: the e-mail must be verified (when the provider says) and in an
/// allowed domain; then the user with that e-mail, or a new one with the default role. Every outcome is audited.
/// </summary>
public sealed class SsoAccounts(IOptions<SsoOptions> options, UserStore users, EnvironmentStore environments, AuditTrail audit)
{
    public async Task<(DashboardUser? User, SsoRefusal? Refusal)> AdmitAsync(ClaimsPrincipal identity, HttpContext http, CancellationToken cancellationToken)
    {
        var email = identity.FindFirstValue("email")?.Trim();
        if (email is null || email.Length > InputLimits.Name || !Identifiers.EmailPattern().IsMatch(email))
        {
            return await RefuseAsync(http, "(no e-mail address)", SsoRefusal.NoEmail, cancellationToken);
        }

        email = UserStore.Normalise(email);
        // OpenID Connect Core §5.1: email_verified false means the provider has not checked the address belongs to the
        // person; absent means the provider does not say (many workforce providers only issue verified addresses).
        if (identity.FindFirstValue("email_verified") is { } verified && !(bool.TryParse(verified, out var yes) && yes))
        {
            return await RefuseAsync(http, email, SsoRefusal.Unverified, cancellationToken);
        }

        var domain = email[(email.LastIndexOf('@') + 1)..];
        if (!options.Value.AllowedDomains.Contains(domain, StringComparer.OrdinalIgnoreCase))
        {
            return await RefuseAsync(http, email, SsoRefusal.Domain, cancellationToken);
        }

        var roles = await DefaultRolesAsync(cancellationToken);
        var (user, created) = await users.FindOrCreateForSsoAsync(email, roles, cancellationToken);
        var actor = AuditActor.User(email, http);
        if (created)
        {
            await audit.RecordAsync(actor, AuditActions.UserCreatedBySso, null, email, new JsonObject { ["roles"] = await RolesByNameAsync(roles, cancellationToken) }, cancellationToken);
        }

        if (user is null)
        {
            return await RefuseAsync(http, email, SsoRefusal.Disabled, cancellationToken);
        }

        await audit.RecordAsync(actor, AuditActions.SsoLoginSucceeded, null, null, cancellationToken);
        return (user, null);
    }

    public async Task<(DashboardUser? User, SsoRefusal? Refusal)> RefuseAsync(HttpContext http, string who, SsoRefusal refusal, CancellationToken cancellationToken)
    {
        await audit.RecordAsync(AuditActor.User(who, http), AuditActions.SsoLoginRefused, null, null,
            new JsonObject { ["reason"] = SsoRefusals.Reason(refusal) }, cancellationToken);
        return (null, refusal);
    }

    /// <summary>The default role in the named environments, or in every one; a name that is not an environment is skipped.</summary>
    private async Task<Dictionary<long, DashboardRole>> DefaultRolesAsync(CancellationToken cancellationToken)
    {
        var role = DashboardRights.Parse(options.Value.DefaultRole) ?? DashboardRole.Support;
        var named = options.Value.DefaultEnvironments;
        return (await environments.ListAsync(cancellationToken))
            .Where(e => named.Count == 0 || named.Contains(e.Name, StringComparer.Ordinal))
            .ToDictionary(e => e.Id, _ => role);
    }

    private async Task<JsonObject> RolesByNameAsync(Dictionary<long, DashboardRole> roles, CancellationToken cancellationToken)
    {
        var result = new JsonObject();
        foreach (var environment in await environments.ListAsync(cancellationToken))
        {
            result[environment.Name] = roles.TryGetValue(environment.Id, out var role) ? DashboardRights.Name(role) : null;
        }

        return result;
    }
}

/// <summary>What each refusal says: a short reason for the audit trail, a sentence for the login page.</summary>
public static class SsoRefusals
{
    public static string Reason(SsoRefusal refusal) => refusal switch
    {
        SsoRefusal.NoEmail => "no e-mail address",
        SsoRefusal.Unverified => "e-mail not verified",
        SsoRefusal.Domain => "e-mail domain not allowed",
        SsoRefusal.Disabled => "disabled",
        SsoRefusal.Provider => "provider error",
        SsoRefusal.Expired => "sign-in expired",
        _ => "provider unreachable",
    };

    public static string Code(SsoRefusal refusal) => refusal.ToString().ToLowerInvariant();

    /// <summary>The login page's sentence for <c>?sso=</c>, or null for anything else.</summary>
    public static string? Sentence(string? code) => Enum.GetValues<SsoRefusal>().FirstOrDefault(r => Code(r) == code, (SsoRefusal)(-1)) switch
    {
        SsoRefusal.NoEmail => "Your identity provider did not share an e-mail address, so you cannot be matched to a dashboard user.",
        SsoRefusal.Unverified => "Your e-mail address is not verified at your identity provider.",
        SsoRefusal.Domain => "Single sign-on is not open to your e-mail domain. Ask an administrator.",
        SsoRefusal.Disabled => "This account is disabled. Ask an administrator.",
        SsoRefusal.Provider => "Single sign-on failed: the identity provider did not sign you in. Try again.",
        SsoRefusal.Expired => "The sign-in took too long or was started elsewhere. Try again.",
        SsoRefusal.Unavailable => "Single sign-on is unavailable: the identity provider cannot be reached. Try again later or log in with a password.",
        _ => null,
    };
}
