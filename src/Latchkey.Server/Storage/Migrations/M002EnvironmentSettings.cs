using FluentMigrator;

namespace Latchkey.Server.Storage.Migrations;

/// <summary>Per-environment settings: Connect UI look, allowed origins, auth webhooks and their signing key.</summary>
[Migration(2, "Environment settings")]
public sealed class M002EnvironmentSettings : Migration
{
    public override void Up()
    {
        Alter.Table("environments")
            .AddColumn("connect_ui_settings").AsCustom("TEXT").Nullable()
            .AddColumn("allowed_origins").AsCustom("TEXT").Nullable()
            .AddColumn("webhook_settings").AsCustom("TEXT").Nullable()
            .AddColumn("webhook_signing_key_sealed").AsCustom("TEXT").Nullable();
    }

    public override void Down()
    {
        Delete.Column("connect_ui_settings").FromTable("environments");
        Delete.Column("allowed_origins").FromTable("environments");
        Delete.Column("webhook_settings").FromTable("environments");
        Delete.Column("webhook_signing_key_sealed").FromTable("environments");
    }
}
