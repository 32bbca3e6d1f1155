using FluentMigrator;

namespace Latchkey.Server.Storage.Migrations;

/// <summary>
/// When each connection's credentials were last fetched, in a narrow table of its own. Every read stamps its
/// connection; written into the wide connections rows, a batch of stamps rewrote nearly every page of the table
/// (credentials and JSON make rows about a kilobyte), which at 100,000 connections cost a quarter of each read's CPU
/// in the load benchmark. Here a stamp is 16 bytes. connections.last_fetched_at is no longer written.
/// </summary>
[Migration(13, "Connection fetch stamps")]
public sealed class M013ConnectionFetches : Migration
{
    public override void Up()
    {
        Create.Table("connection_fetches")
            .WithColumn("connection_ref").AsInt64().NotNullable().PrimaryKey()
            .WithColumn("fetched_at").AsInt64().NotNullable();
        Execute.Sql(
            "INSERT INTO connection_fetches (connection_ref, fetched_at) SELECT id, last_fetched_at FROM connections WHERE last_fetched_at IS NOT NULL");
    }

    public override void Down() => Delete.Table("connection_fetches");
}
