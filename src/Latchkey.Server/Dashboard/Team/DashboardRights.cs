namespace Latchkey.Server.Dashboard.Team;

/// <summary>A dashboard user's role in one environment (stored in lower case).</summary>
public enum DashboardRole
{
    Admin,
    Developer,
    Support,
}

/// <summary>What a dashboard endpoint does, each declared on its route (<see cref="DashboardRights.Requires{TBuilder}"/>).</summary>
public enum DashboardRight
{
    /// <summary>Any signed-in user, whatever their roles: logging out, their own account security.</summary>
    SignedIn,
    ViewIntegrations,
    ChangeIntegrations,
    ViewConnections,
    RevealCredentials,
    DeleteConnections,
    ShareConnectLinks,
    ViewLogs,
    RedeliverWebhooks,
    ManageSettings,
    ViewAudit,

    /// <summary>Invite, change roles, disable and remove users: only for an admin of every environment.</summary>
    ManageUsers,
}

/// <summary>The permission an endpoint requires, as endpoint metadata read by <see cref="DashboardAuthorization"/>.</summary>
public sealed record DashboardRightMetadata(DashboardRight Right);

/// <summary>
/// The roles' rights, in one table. admin: everything. developer: integrations, connections, logs; credentials only
/// in the <c>dev</c> environment. support: the connections list, connect links and logs; never credentials or keys.
/// </summary>
public static class DashboardRights
{
    public const string DevEnvironment = "dev";

    public static bool Allows(DashboardRole role, DashboardRight permission, string environmentName) => role switch
    {
        DashboardRole.Admin => true,
        DashboardRole.Developer => permission switch
        {
            DashboardRight.SignedIn or DashboardRight.ViewIntegrations or DashboardRight.ChangeIntegrations
                or DashboardRight.ViewConnections or DashboardRight.DeleteConnections or DashboardRight.ShareConnectLinks
                or DashboardRight.ViewLogs or DashboardRight.RedeliverWebhooks => true,
            DashboardRight.RevealCredentials => environmentName == DevEnvironment,
            _ => false,
        },
        DashboardRole.Support => permission is DashboardRight.SignedIn or DashboardRight.ViewConnections
            or DashboardRight.ShareConnectLinks or DashboardRight.ViewLogs,
        _ => false,
    };

    public static TBuilder Requires<TBuilder>(this TBuilder builder, DashboardRight permission)
        where TBuilder : IEndpointConventionBuilder => builder.WithMetadata(new DashboardRightMetadata(permission));

    public static string Name(DashboardRole role) => role.ToString().ToLowerInvariant();

    public static DashboardRole? Parse(string? text) => text switch
    {
        "admin" => DashboardRole.Admin,
        "developer" => DashboardRole.Developer,
        "support" => DashboardRole.Support,
        _ => null,
    };

    /// <summary>How a refusal reads: "reveal credentials" in "Your role (support) in prod does not allow you to reveal credentials."</summary>
    public static string Describe(DashboardRight permission) => permission switch
    {
        DashboardRight.ViewIntegrations => "see integrations",
        DashboardRight.ChangeIntegrations => "add, change or delete integrations",
        DashboardRight.ViewConnections => "see connections",
        DashboardRight.RevealCredentials => "reveal credentials",
        DashboardRight.DeleteConnections => "delete connections",
        DashboardRight.ShareConnectLinks => "share connect links",
        DashboardRight.ViewLogs => "see logs",
        DashboardRight.RedeliverWebhooks => "redeliver webhooks",
        DashboardRight.ManageSettings => "see or change settings and keys",
        DashboardRight.ViewAudit => "see the audit trail",
        DashboardRight.ManageUsers => "manage users (that needs the admin role in every environment)",
        _ => "do this",
    };
}
