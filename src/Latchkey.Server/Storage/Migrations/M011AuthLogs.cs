using FluentMigrator;

namespace Latchkey.Server.Storage.Migrations;

/// <summary>Auth attempts with their steps (JSON), outcome and timing; purged after the retention period.</summary>
[Migration(11, "Auth logs")]
public sealed class M011AuthLogs : Migration
{
    public override void Up()
    {
        Create.Table("auth_logs")
            .WithColumn("id").AsInt64().PrimaryKey().Identity()
            .WithColumn("uid").AsString(36).NotNullable().Unique()
            .WithColumn("environment_id").AsInt64().NotNullable()
            .WithColumn("kind").AsString(32).NotNullable()
            .WithColumn("integration_key").AsString(255).NotNullable()
            .WithColumn("connection_id").AsString(255).Nullable()
            .WithColumn("success").AsInt16().NotNullable()
            .WithColumn("error_type").AsString(64).Nullable()
            .WithColumn("message").AsCustom("TEXT").Nullable()
            .WithColumn("steps").AsCustom("TEXT").NotNullable()
            .WithColumn("started_at").AsInt64().NotNullable()
            .WithColumn("duration_ms").AsInt32().NotNullable();
        Create.Index("ix_auth_logs_environment").OnTable("auth_logs")
            .OnColumn("environment_id").Ascending().OnColumn("id").Descending();
        Create.Index("ix_auth_logs_started").OnTable("auth_logs").OnColumn("started_at");
    }

    public override void Down() => Delete.Table("auth_logs");
}
