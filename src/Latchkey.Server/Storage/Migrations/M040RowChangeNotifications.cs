using FluentMigrator;

namespace Latchkey.Server.Storage.Migrations;

/// <summary>
/// PostgreSQL only: a NOTIFY on <c>latchkey_rows</c> (<c>table:id</c>) for every committed change to the rows a cached
/// connection read is made of, so every instance can keep connection rows in memory and still see the others'
/// writes. A trigger rather than a call in each store: no write path can forget it, a bulk update included.
/// Delivered at commit (NOTIFY is transactional) and de-duplicated within a transaction by PostgreSQL.
/// Environments are left out: no cached row carries their columns.
/// </summary>
[Migration(40, "Row change notifications")]
public sealed class M040RowChangeNotifications : Migration
{
    private static readonly string[] Tables = ["connections", "end_users", "integrations"];

    // The Postgres processor names itself by version ("PostgreSQL15_0"…) as well as "Postgres".
    private static bool IsPostgres(string databaseType) => databaseType.StartsWith("Postgres", StringComparison.OrdinalIgnoreCase);

    public override void Up()
    {
        IfDatabase(IsPostgres).Execute.Sql(
            """
            CREATE OR REPLACE FUNCTION latchkey_row_changed() RETURNS trigger AS $$
            BEGIN
                IF TG_OP = 'DELETE' THEN
                    PERFORM pg_notify('latchkey_rows', TG_TABLE_NAME || ':' || OLD.id);
                ELSE
                    PERFORM pg_notify('latchkey_rows', TG_TABLE_NAME || ':' || NEW.id);
                END IF;
                RETURN NULL;
            END
            $$ LANGUAGE plpgsql;
            """);
        foreach (var table in Tables)
        {
            IfDatabase(IsPostgres).Execute.Sql(
                $"CREATE TRIGGER {table}_row_changed AFTER INSERT OR UPDATE OR DELETE ON {table} FOR EACH ROW EXECUTE FUNCTION latchkey_row_changed();");
        }
    }

    public override void Down()
    {
        foreach (var table in Tables)
        {
            IfDatabase(IsPostgres).Execute.Sql($"DROP TRIGGER IF EXISTS {table}_row_changed ON {table};");
        }

        IfDatabase(IsPostgres).Execute.Sql("DROP FUNCTION IF EXISTS latchkey_row_changed();");
    }
}
