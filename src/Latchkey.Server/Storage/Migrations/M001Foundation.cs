using FluentMigrator;

namespace Latchkey.Server.Storage.Migrations;

/// <summary>
/// Accounts, environments, integrations, end users, connect sessions and connections. Portable by construction:
/// times are epoch milliseconds in BIGINT, flags are SMALLINT, JSON is TEXT, and soft deletion is a nullable
/// <c>deleted_at</c> so the "one live row" rule is a partial unique index that both engines support.
/// Every table with a sealed column has a <c>uid</c>: the vault binds each ciphertext to it.
/// </summary>
[Migration(1, "Foundation")]
public sealed class M001Foundation : Migration
{
    public override void Up()
    {
        Create.Table("accounts")
            .WithColumn("id").AsInt64().PrimaryKey().Identity()
            .WithColumn("uid").AsString(36).NotNullable().Unique()
            .WithColumn("name").AsString(255).NotNullable()
            .WithColumn("created_at").AsInt64().NotNullable();

        Create.Table("environments")
            .WithColumn("id").AsInt64().PrimaryKey().Identity()
            .WithColumn("uid").AsString(36).NotNullable().Unique()
            .WithColumn("account_id").AsInt64().NotNullable()
            .WithColumn("name").AsString(64).NotNullable()
            .WithColumn("public_key").AsString(64).NotNullable().Unique()
            .WithColumn("secret_key_hash").AsString(64).NotNullable().Unique()
            .WithColumn("secret_key_sealed").AsCustom("TEXT").NotNullable()
            .WithColumn("callback_url").AsCustom("TEXT").Nullable()
            .WithColumn("connection_limit").AsInt32().Nullable()
            .WithColumn("created_at").AsInt64().NotNullable()
            .WithColumn("updated_at").AsInt64().NotNullable();
        Create.Index("ux_environments_account_name").OnTable("environments")
            .OnColumn("account_id").Ascending().OnColumn("name").Ascending().WithOptions().Unique();

        Create.Table("integrations")
            .WithColumn("id").AsInt64().PrimaryKey().Identity()
            .WithColumn("uid").AsString(36).NotNullable().Unique()
            .WithColumn("environment_id").AsInt64().NotNullable()
            .WithColumn("unique_key").AsString(255).NotNullable()
            .WithColumn("provider").AsString(255).NotNullable()
            .WithColumn("display_name").AsString(255).Nullable()
            .WithColumn("client_id").AsCustom("TEXT").Nullable()
            .WithColumn("client_secret_sealed").AsCustom("TEXT").Nullable()
            .WithColumn("scopes").AsCustom("TEXT").Nullable()
            .WithColumn("webhook_secret_sealed").AsCustom("TEXT").Nullable()
            .WithColumn("app_id").AsCustom("TEXT").Nullable()
            .WithColumn("app_link").AsCustom("TEXT").Nullable()
            .WithColumn("private_key_sealed").AsCustom("TEXT").Nullable()
            .WithColumn("config_sealed").AsCustom("TEXT").Nullable()
            .WithColumn("forward_webhooks").AsInt16().NotNullable().WithDefaultValue(1)
            .WithColumn("created_at").AsInt64().NotNullable()
            .WithColumn("updated_at").AsInt64().NotNullable();
        Create.Index("ux_integrations_environment_key").OnTable("integrations")
            .OnColumn("environment_id").Ascending().OnColumn("unique_key").Ascending().WithOptions().Unique();

        Create.Table("end_users")
            .WithColumn("id").AsInt64().PrimaryKey().Identity()
            .WithColumn("environment_id").AsInt64().NotNullable()
            .WithColumn("end_user_id").AsString(255).NotNullable()
            .WithColumn("email").AsString(255).Nullable()
            .WithColumn("display_name").AsString(255).Nullable()
            .WithColumn("organization_id").AsString(255).Nullable()
            .WithColumn("organization_display_name").AsString(255).Nullable()
            .WithColumn("tags").AsCustom("TEXT").Nullable()
            .WithColumn("created_at").AsInt64().NotNullable()
            .WithColumn("updated_at").AsInt64().NotNullable();
        Create.Index("ux_end_users_environment_id").OnTable("end_users")
            .OnColumn("environment_id").Ascending().OnColumn("end_user_id").Ascending().WithOptions().Unique();

        Create.Table("connect_sessions")
            .WithColumn("id").AsInt64().PrimaryKey().Identity()
            .WithColumn("environment_id").AsInt64().NotNullable()
            .WithColumn("token_hash").AsString(64).NotNullable().Unique()
            .WithColumn("end_user").AsCustom("TEXT").Nullable()
            .WithColumn("organization").AsCustom("TEXT").Nullable()
            .WithColumn("allowed_integrations").AsCustom("TEXT").Nullable()
            .WithColumn("integrations_config_defaults").AsCustom("TEXT").Nullable()
            .WithColumn("overrides").AsCustom("TEXT").Nullable()
            .WithColumn("webhook_url_override").AsCustom("TEXT").Nullable()
            .WithColumn("tags").AsCustom("TEXT").Nullable()
            .WithColumn("reconnect_connection_ref").AsInt64().Nullable()
            .WithColumn("expires_at").AsInt64().NotNullable()
            .WithColumn("created_at").AsInt64().NotNullable();
        Create.Index("ix_connect_sessions_expires_at").OnTable("connect_sessions").OnColumn("expires_at");

        Create.Table("connections")
            .WithColumn("id").AsInt64().PrimaryKey().Identity()
            .WithColumn("uid").AsString(36).NotNullable().Unique()
            .WithColumn("environment_id").AsInt64().NotNullable()
            .WithColumn("integration_id").AsInt64().NotNullable()
            .WithColumn("connection_id").AsString(255).NotNullable()
            .WithColumn("credentials_sealed").AsCustom("TEXT").NotNullable()
            .WithColumn("credentials_expires_at").AsInt64().Nullable()
            .WithColumn("connection_config").AsCustom("TEXT").NotNullable()
            .WithColumn("metadata").AsCustom("TEXT").Nullable()
            .WithColumn("tags").AsCustom("TEXT").Nullable()
            .WithColumn("end_user_ref").AsInt64().Nullable()
            .WithColumn("webhook_url_override").AsCustom("TEXT").Nullable()
            .WithColumn("last_fetched_at").AsInt64().Nullable()
            .WithColumn("last_refresh_success_at").AsInt64().Nullable()
            .WithColumn("last_refresh_failure_at").AsInt64().Nullable()
            .WithColumn("last_refresh_error").AsCustom("TEXT").Nullable()
            .WithColumn("refresh_attempts").AsInt32().NotNullable().WithDefaultValue(0)
            .WithColumn("refresh_exhausted").AsInt16().NotNullable().WithDefaultValue(0)
            .WithColumn("created_at").AsInt64().NotNullable()
            .WithColumn("updated_at").AsInt64().NotNullable()
            .WithColumn("deleted_at").AsInt64().Nullable();
        Execute.Sql(
            "CREATE UNIQUE INDEX ux_connections_live ON connections (environment_id, integration_id, connection_id) WHERE deleted_at IS NULL");
        Create.Index("ix_connections_environment_created").OnTable("connections")
            .OnColumn("environment_id").Ascending().OnColumn("created_at").Descending();
        Create.Index("ix_connections_connection_id").OnTable("connections")
            .OnColumn("environment_id").Ascending().OnColumn("connection_id").Ascending();

        // An index of connections.tags for the `tags[key]=value` list filter; connections.tags stays the source of truth.
        Create.Table("connection_tags")
            .WithColumn("connection_ref").AsInt64().NotNullable()
            .WithColumn("tag_key").AsString(64).NotNullable()
            .WithColumn("tag_value").AsString(255).NotNullable();
        Create.Index("ix_connection_tags_key_value").OnTable("connection_tags")
            .OnColumn("tag_key").Ascending().OnColumn("tag_value").Ascending();
        Create.Index("ix_connection_tags_connection").OnTable("connection_tags").OnColumn("connection_ref");
    }

    public override void Down()
    {
        Delete.Table("connection_tags");
        Delete.Table("connections");
        Delete.Table("connect_sessions");
        Delete.Table("end_users");
        Delete.Table("integrations");
        Delete.Table("environments");
        Delete.Table("accounts");
    }
}
