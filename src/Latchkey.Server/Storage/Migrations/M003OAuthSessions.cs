using FluentMigrator;

namespace Latchkey.Server.Storage.Migrations;

/// <summary>
/// In-flight OAuth flows. They live in the database, not in memory, so the callback may reach any instance.
/// The state is stored only as a keyed hash; the PKCE verifier, OAuth 1 request secret and client overrides sealed.
/// </summary>
[Migration(3, "OAuth sessions")]
public sealed class M003OAuthSessions : Migration
{
    public override void Up()
    {
        Create.Table("oauth_sessions")
            .WithColumn("id").AsInt64().PrimaryKey().Identity()
            .WithColumn("uid").AsString(36).NotNullable().Unique()
            .WithColumn("state_hash").AsString(64).NotNullable().Unique()
            .WithColumn("browser_binding_hash").AsString(64).NotNullable()
            .WithColumn("environment_id").AsInt64().NotNullable()
            .WithColumn("integration_id").AsInt64().NotNullable()
            .WithColumn("connection_id").AsString(255).NotNullable()
            .WithColumn("connect_session_id").AsInt64().Nullable()
            .WithColumn("callback_url").AsCustom("TEXT").NotNullable()
            .WithColumn("connection_config").AsCustom("TEXT").NotNullable()
            .WithColumn("ownership").AsCustom("TEXT").NotNullable()
            .WithColumn("ws_client_id").AsString(64).Nullable()
            .WithColumn("secrets_sealed").AsCustom("TEXT").NotNullable()
            .WithColumn("expires_at").AsInt64().NotNullable()
            .WithColumn("created_at").AsInt64().NotNullable();
        Create.Index("ix_oauth_sessions_expires_at").OnTable("oauth_sessions").OnColumn("expires_at");
    }

    public override void Down() => Delete.Table("oauth_sessions");
}
