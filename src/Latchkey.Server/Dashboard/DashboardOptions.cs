namespace Latchkey.Server.Dashboard;

public sealed class DashboardOptions
{
    /// <summary><c>LATCHKEY_ADMIN_EMAIL</c>: the dashboard administrator's e-mail (default <c>admin@localhost</c>).</summary>
    public string AdminEmail { get; set; } = "admin@localhost";

    /// <summary><c>LATCHKEY_ADMIN_PASSWORD</c>: when set, the administrator's password at every start; otherwise generated once and printed.</summary>
    public string? AdminPassword { get; set; }
}
