using FluentMigrator;

namespace Latchkey.Server.Storage.Migrations;

/// <summary>
/// Second factors of dashboard users. <c>dashboard_totp</c>: one authenticator app per user, its secret sealed by the
/// vault (bound to the row's uid), confirmed once the user typed a code, and the last time step used so a code is
/// never accepted twice. <c>dashboard_recovery_codes</c>: one-time codes, only their SHA-256 kept.
/// <c>dashboard_mfa_challenges</c>: a login whose password was right and whose second factor is pending; the browser
/// holds the id, the row its SHA-256, so any instance can finish it. <c>dashboard_settings</c>: dashboard-wide
/// settings such as "require MFA for everyone".
/// </summary>
[Migration(52, "Dashboard MFA")]
public sealed class M052DashboardMfa : Migration
{
    public override void Up()
    {
        Create.Table("dashboard_totp")
            .WithColumn("id").AsInt64().PrimaryKey().Identity()
            .WithColumn("uid").AsString(32).NotNullable().Unique()
            .WithColumn("user_id").AsInt64().NotNullable().Unique()
            .WithColumn("secret_sealed").AsCustom("TEXT").NotNullable()
            .WithColumn("confirmed_at").AsInt64().Nullable()
            .WithColumn("last_step").AsInt64().Nullable()
            .WithColumn("created_at").AsInt64().NotNullable();
        Create.Table("dashboard_recovery_codes")
            .WithColumn("code_hash").AsString(64).PrimaryKey()
            .WithColumn("user_id").AsInt64().NotNullable().Indexed()
            .WithColumn("created_at").AsInt64().NotNullable()
            .WithColumn("used_at").AsInt64().Nullable();
        Create.Table("dashboard_mfa_challenges")
            .WithColumn("id_hash").AsString(64).PrimaryKey()
            .WithColumn("email").AsString(255).NotNullable().Indexed()
            .WithColumn("return_url").AsString(2000).Nullable()
            .WithColumn("expires_at").AsInt64().NotNullable()
            .WithColumn("failures").AsInt32().NotNullable().WithDefaultValue(0);
        Create.Table("dashboard_settings")
            .WithColumn("name").AsString(64).PrimaryKey()
            .WithColumn("value").AsString(255).NotNullable()
            .WithColumn("updated_at").AsInt64().NotNullable();
    }

    public override void Down()
    {
        Delete.Table("dashboard_settings");
        Delete.Table("dashboard_mfa_challenges");
        Delete.Table("dashboard_recovery_codes");
        Delete.Table("dashboard_totp");
    }
}
