using FluentMigrator;

namespace Latchkey.Server.Storage.Migrations;

/// <summary>
/// ASP.NET Core Data Protection keys (the dashboard's login cookie and antiforgery tokens) in the database instead of
/// a folder of the machine, so every instance on one database accepts the cookies of the others and a restart keeps
/// logins. Each key's XML holds its master key, so it is sealed by the vault.
/// </summary>
[Migration(21, "Data Protection keys")]
public sealed class M021DataProtectionKeys : Migration
{
    public override void Up()
    {
        Create.Table("data_protection_keys")
            .WithColumn("id").AsInt64().PrimaryKey().Identity()
            .WithColumn("uid").AsString(36).NotNullable().Unique()
            .WithColumn("friendly_name").AsString(255).NotNullable()
            .WithColumn("xml_sealed").AsCustom("TEXT").NotNullable()
            .WithColumn("created_at").AsInt64().NotNullable();
    }

    public override void Down() => Delete.Table("data_protection_keys");
}
