namespace Latchkey.Server.Dashboard.Team;

/// <summary>
/// The signed-in user of a dashboard request, read from the database on every request (with the session), so a role
/// change, a disabled account or a removal takes effect at once on every instance.
/// </summary>
public sealed record DashboardUser(long Id, string Email, IReadOnlyDictionary<long, DashboardRole> Roles)
{
    private const string ItemKey = "latchkey.dashboard-user";

    /// <summary>MFA is required for everyone and this user has no second factor yet: only enrolling (and logging out) is allowed.</summary>
    public bool MustEnrolMfa { get; init; }

    public DashboardRole? RoleIn(long environmentId) => Roles.TryGetValue(environmentId, out var role) ? role : null;

    public bool IsAdminOfAll(IEnumerable<long> environmentIds) => environmentIds.All(id => RoleIn(id) == DashboardRole.Admin);

    public static DashboardUser? Of(HttpContext http) => http.Items[ItemKey] as DashboardUser;

    internal void Attach(HttpContext http) => http.Items[ItemKey] = this;
}
