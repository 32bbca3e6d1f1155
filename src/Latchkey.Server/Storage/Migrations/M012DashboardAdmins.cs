using FluentMigrator;

namespace Latchkey.Server.Storage.Migrations;

/// <summary>Dashboard administrators: e-mail and a password hash from ASP.NET Core Identity's hasher.</summary>
[Migration(12, "Dashboard admins")]
public sealed class M012DashboardAdmins : Migration
{
    public override void Up()
    {
        Create.Table("dashboard_admins")
            .WithColumn("id").AsInt64().PrimaryKey().Identity()
            .WithColumn("email").AsString(255).NotNullable().Unique()
            .WithColumn("password_hash").AsCustom("TEXT").NotNullable()
            .WithColumn("created_at").AsInt64().NotNullable()
            .WithColumn("updated_at").AsInt64().NotNullable();
    }

    public override void Down() => Delete.Table("dashboard_admins");
}
