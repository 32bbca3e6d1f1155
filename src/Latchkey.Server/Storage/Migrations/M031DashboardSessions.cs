using FluentMigrator;

namespace Latchkey.Server.Storage.Migrations;

/// <summary>
/// Dashboard login sessions, one row each, checked on every dashboard request: deleting the row ends the session on
/// every instance (logout, a password change). The cookie carries the session id; the row only its SHA-256.
/// </summary>
[Migration(31, "Dashboard sessions")]
public sealed class M031DashboardSessions : Migration
{
    public override void Up()
    {
        Create.Table("dashboard_sessions")
            .WithColumn("id_hash").AsString(64).PrimaryKey()
            .WithColumn("email").AsString(255).NotNullable().Indexed()
            .WithColumn("created_at").AsInt64().NotNullable()
            .WithColumn("last_seen_at").AsInt64().NotNullable();
    }

    public override void Down() => Delete.Table("dashboard_sessions");
}
