using FluentMigrator;

namespace Latchkey.Server.Storage.Migrations;

/// <summary>
/// The auth webhook outbox: one row per event and target URL, written in the transaction that changes the
/// connection, claimed by one dispatcher at a time (<c>claimed_until</c>), and every attempt with its answer.
/// </summary>
[Migration(10, "Auth webhook outbox")]
public sealed class M010AuthWebhooks : Migration
{
    public override void Up()
    {
        Create.Table("webhook_deliveries")
            .WithColumn("id").AsInt64().PrimaryKey().Identity()
            .WithColumn("event_id").AsString(36).NotNullable()
            .WithColumn("environment_id").AsInt64().NotNullable()
            .WithColumn("connection_ref").AsInt64().Nullable()
            .WithColumn("connection_id").AsString(255).NotNullable()
            .WithColumn("integration_key").AsString(255).NotNullable()
            .WithColumn("operation").AsString(16).NotNullable()
            .WithColumn("success").AsInt16().NotNullable()
            .WithColumn("url").AsCustom("TEXT").NotNullable()
            .WithColumn("body").AsCustom("TEXT").NotNullable()
            .WithColumn("state").AsInt16().NotNullable()
            .WithColumn("attempts").AsInt32().NotNullable().WithDefaultValue(0)
            .WithColumn("next_attempt_at").AsInt64().NotNullable()
            .WithColumn("claimed_until").AsInt64().Nullable()
            .WithColumn("last_status").AsInt32().Nullable()
            .WithColumn("last_error").AsCustom("TEXT").Nullable()
            .WithColumn("created_at").AsInt64().NotNullable()
            .WithColumn("delivered_at").AsInt64().Nullable();
        Create.Index("ix_webhook_deliveries_due").OnTable("webhook_deliveries")
            .OnColumn("state").Ascending().OnColumn("next_attempt_at").Ascending();
        Create.Index("ix_webhook_deliveries_environment").OnTable("webhook_deliveries")
            .OnColumn("environment_id").Ascending().OnColumn("created_at").Descending();

        Create.Table("webhook_attempts")
            .WithColumn("id").AsInt64().PrimaryKey().Identity()
            .WithColumn("delivery_ref").AsInt64().NotNullable()
            .WithColumn("attempted_at").AsInt64().NotNullable()
            .WithColumn("status_code").AsInt32().Nullable()
            .WithColumn("duration_ms").AsInt32().NotNullable()
            .WithColumn("error").AsCustom("TEXT").Nullable();
        Create.Index("ix_webhook_attempts_delivery").OnTable("webhook_attempts").OnColumn("delivery_ref");
    }

    public override void Down()
    {
        Delete.Table("webhook_attempts");
        Delete.Table("webhook_deliveries");
    }
}
