using FluentMigrator;

namespace Latchkey.Server.Storage.Migrations;

/// <summary>
/// How many connections each connect session has created, counted in the transaction that creates one, so the cap
/// on connections per session (LATCHKEY_SESSION_MAX_CONNECTIONS) holds under concurrent requests.
/// </summary>
[Migration(30, "Connections created per connect session")]
public sealed class M030SessionConnectionCount : Migration
{
    public override void Up() =>
        Alter.Table("connect_sessions").AddColumn("connections_created").AsInt32().NotNullable().WithDefaultValue(0);

    public override void Down() => Delete.Column("connections_created").FromTable("connect_sessions");
}
