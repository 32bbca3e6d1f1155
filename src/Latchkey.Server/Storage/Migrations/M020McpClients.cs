using FluentMigrator;

namespace Latchkey.Server.Storage.Migrations;

/// <summary>
/// Latchkey as a client of remote MCP servers' authorization servers: one row per integration and MCP server URL (a
/// generic MCP integration reaches many servers). It remembers the discovered issuer and token endpoint, for the callback
/// and for refreshes, and the client Latchkey registered there (RFC 7591), reused by every later flow; the client
/// secret is sealed. A row without client_id means the integration's own OAuth client is used.
/// </summary>
[Migration(20, "MCP clients")]
public sealed class M020McpClients : Migration
{
    public override void Up()
    {
        Create.Table("mcp_clients")
            .WithColumn("id").AsInt64().PrimaryKey().Identity()
            .WithColumn("uid").AsString(36).NotNullable().Unique()
            .WithColumn("environment_id").AsInt64().NotNullable()
            .WithColumn("integration_id").AsInt64().NotNullable()
            .WithColumn("server_url").AsString(2048).NotNullable()
            .WithColumn("issuer").AsCustom("TEXT").NotNullable()
            .WithColumn("authorization_endpoint").AsCustom("TEXT").NotNullable()
            .WithColumn("token_endpoint").AsCustom("TEXT").NotNullable()
            .WithColumn("resource").AsCustom("TEXT").NotNullable()
            .WithColumn("redirect_uri").AsCustom("TEXT").NotNullable()
            .WithColumn("client_id").AsCustom("TEXT").Nullable()
            .WithColumn("client_secret_sealed").AsCustom("TEXT").Nullable()
            .WithColumn("token_endpoint_auth_method").AsString(32).NotNullable()
            .WithColumn("client_secret_expires_at").AsInt64().Nullable()
            .WithColumn("created_at").AsInt64().NotNullable()
            .WithColumn("updated_at").AsInt64().NotNullable();
        Create.Index("ux_mcp_clients_integration_server").OnTable("mcp_clients")
            .OnColumn("integration_id").Ascending().OnColumn("server_url").Ascending().WithOptions().Unique();
    }

    public override void Down() => Delete.Table("mcp_clients");
}
