using FluentMigrator;

namespace Latchkey.Server.Storage.Migrations;

/// <summary>
/// The audit trail: one row per change made through the dashboard or the API (who, when, from where, what changed;
/// never a secret). Append-only: a trigger refuses every UPDATE on both engines; rows leave only by the retention purge.
/// <c>environment_id</c> is null for what belongs to no environment (users, logins).
/// </summary>
[Migration(50, "Audit entries")]
public sealed class M050AuditEntries : Migration
{
    private static bool IsPostgres(string databaseType) => databaseType.StartsWith("Postgres", StringComparison.OrdinalIgnoreCase);

    private static bool IsSqlite(string databaseType) => databaseType.StartsWith("SQLite", StringComparison.OrdinalIgnoreCase);

    public override void Up()
    {
        Create.Table("audit_entries")
            .WithColumn("id").AsInt64().PrimaryKey().Identity()
            .WithColumn("at").AsInt64().NotNullable()
            .WithColumn("environment_id").AsInt64().Nullable()
            .WithColumn("actor").AsString(255).NotNullable()
            .WithColumn("actor_type").AsString(16).NotNullable()
            .WithColumn("ip").AsString(64).Nullable()
            .WithColumn("action").AsString(64).NotNullable()
            .WithColumn("target").AsString(512).Nullable()
            .WithColumn("changes").AsCustom("TEXT").Nullable();
        Create.Index("ix_audit_entries_at").OnTable("audit_entries").OnColumn("at");
        Create.Index("ix_audit_entries_environment").OnTable("audit_entries")
            .OnColumn("environment_id").Ascending().OnColumn("id").Descending();

        IfDatabase(IsSqlite).Execute.Sql(
            """
            CREATE TRIGGER audit_entries_append_only BEFORE UPDATE ON audit_entries
            BEGIN SELECT RAISE(ABORT, 'audit entries are append-only'); END;
            """);
        IfDatabase(IsPostgres).Execute.Sql(
            """
            CREATE OR REPLACE FUNCTION latchkey_audit_append_only() RETURNS trigger AS $$
            BEGIN
                RAISE EXCEPTION 'audit entries are append-only';
            END
            $$ LANGUAGE plpgsql;
            """);
        IfDatabase(IsPostgres).Execute.Sql(
            "CREATE TRIGGER audit_entries_append_only BEFORE UPDATE ON audit_entries FOR EACH ROW EXECUTE FUNCTION latchkey_audit_append_only();");
    }

    public override void Down()
    {
        Delete.Table("audit_entries");
        IfDatabase(IsPostgres).Execute.Sql("DROP FUNCTION IF EXISTS latchkey_audit_append_only();");
    }
}
