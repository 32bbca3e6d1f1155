using FluentMigrator;

namespace Latchkey.Server.Storage.Migrations;

/// <summary>
/// WebAuthn passkeys of dashboard users: the credential id and public key the authenticator gave (public values, not
/// secrets), and its signature counter. <c>dashboard_webauthn_ceremonies</c>: the options of a registration or a
/// sign-in in progress, each used once, so any instance can finish what another started.
/// </summary>
[Migration(53, "Dashboard passkeys")]
public sealed class M053DashboardPasskeys : Migration
{
    public override void Up()
    {
        Create.Table("dashboard_passkeys")
            .WithColumn("id").AsInt64().PrimaryKey().Identity()
            .WithColumn("credential_id").AsString(1400).NotNullable().Unique()
            .WithColumn("user_id").AsInt64().NotNullable().Indexed()
            .WithColumn("public_key").AsCustom("TEXT").NotNullable()
            .WithColumn("sign_count").AsInt64().NotNullable()
            .WithColumn("name").AsString(100).NotNullable()
            .WithColumn("created_at").AsInt64().NotNullable()
            .WithColumn("last_used_at").AsInt64().Nullable();
        Create.Table("dashboard_webauthn_ceremonies")
            .WithColumn("id_hash").AsString(64).PrimaryKey()
            .WithColumn("user_id").AsInt64().Nullable()
            .WithColumn("options_json").AsCustom("TEXT").NotNullable()
            .WithColumn("expires_at").AsInt64().NotNullable();
    }

    public override void Down()
    {
        Delete.Table("dashboard_webauthn_ceremonies");
        Delete.Table("dashboard_passkeys");
    }
}
