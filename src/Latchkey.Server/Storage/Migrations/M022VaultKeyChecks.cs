using FluentMigrator;

namespace Latchkey.Server.Storage.Migrations;

/// <summary>
/// One check value per encryption key that has sealed values in this database: a fixed text sealed with that key.
/// Start-up refuses a key ring that lacks any of these keys or cannot open its check value, so a lost or wrong key is
/// found before the first credential read fails, not only when the newest value of a column was sealed with it.
/// </summary>
[Migration(22, "Vault key checks")]
public sealed class M022VaultKeyChecks : Migration
{
    public override void Up()
    {
        Create.Table("vault_key_checks")
            .WithColumn("id").AsInt64().PrimaryKey().Identity()
            .WithColumn("key_id").AsString(16).NotNullable().Unique()
            .WithColumn("check_sealed").AsCustom("TEXT").NotNullable()
            .WithColumn("created_at").AsInt64().NotNullable();
    }

    public override void Down() => Delete.Table("vault_key_checks");
}
