using FluentMigrator;

namespace Latchkey.Server.Storage.Migrations;

/// <summary>
/// Dashboard users with a role per environment, and their invitations. The administrators of
/// <c>dashboard_admins</c> become the first users, admin in every environment; that table is dropped.
/// A user without a password hash has not accepted their invitation yet (or, later, signs in another way).
/// Invitations keep only the SHA-256 of their token; each is used once, before it expires.
/// </summary>
[Migration(51, "Dashboard users")]
public sealed class M051DashboardUsers : Migration
{
    public override void Up()
    {
        Create.Table("dashboard_users")
            .WithColumn("id").AsInt64().PrimaryKey().Identity()
            .WithColumn("email").AsString(255).NotNullable().Unique()
            .WithColumn("password_hash").AsCustom("TEXT").Nullable()
            .WithColumn("disabled_at").AsInt64().Nullable()
            .WithColumn("created_at").AsInt64().NotNullable()
            .WithColumn("updated_at").AsInt64().NotNullable();
        Create.Table("dashboard_user_roles")
            .WithColumn("user_id").AsInt64().NotNullable().PrimaryKey()
            .WithColumn("environment_id").AsInt64().NotNullable().PrimaryKey()
            .WithColumn("role").AsString(16).NotNullable();
        Create.Table("dashboard_invitations")
            .WithColumn("token_hash").AsString(64).PrimaryKey()
            .WithColumn("user_id").AsInt64().NotNullable().Indexed()
            .WithColumn("invited_by").AsString(255).NotNullable()
            .WithColumn("created_at").AsInt64().NotNullable()
            .WithColumn("expires_at").AsInt64().NotNullable()
            .WithColumn("used_at").AsInt64().Nullable();

        Execute.Sql(
            """
            INSERT INTO dashboard_users (email, password_hash, created_at, updated_at)
            SELECT email, password_hash, created_at, updated_at FROM dashboard_admins ORDER BY id
            """);
        Execute.Sql(
            """
            INSERT INTO dashboard_user_roles (user_id, environment_id, role)
            SELECT u.id, e.id, 'admin' FROM dashboard_users u CROSS JOIN environments e
            """);
        Delete.Table("dashboard_admins");
    }

    public override void Down()
    {
        Delete.Table("dashboard_invitations");
        Delete.Table("dashboard_user_roles");
        Delete.Table("dashboard_users");
    }
}
