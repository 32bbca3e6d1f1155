using FluentMigrator.Runner;
using Microsoft.Extensions.Options;

namespace Latchkey.Server.Storage;

/// <summary>Brings the schema up to date at start-up, before the server accepts a request.</summary>
public sealed class SchemaMigrator(Database database, IOptions<StorageOptions> options, ILogger<SchemaMigrator> logger) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken)
    {
        // FluentMigrator gets its own small container so its services never leak into the application's.
        using var services = new ServiceCollection()
            .AddFluentMigratorCore()
            .ConfigureRunner(runner =>
            {
                if (database.Dialect == SqlDialect.Postgres)
                {
                    runner.AddPostgres();
                }
                else
                {
                    runner.AddSQLite();
                }

                runner.WithGlobalConnectionString(database.ConnectionString)
                    .ScanIn(typeof(SchemaMigrator).Assembly).For.Migrations();
            })
            .Configure<FluentMigrator.Runner.Processors.SelectingProcessorAccessorOptions>(_ => { })
            .BuildServiceProvider(validateScopes: false);

        var runner = services.GetRequiredService<IMigrationRunner>();
        runner.MigrateUp();
        if (database.Dialect == SqlDialect.Sqlite)
        {
            EnableWriteAheadLog();
        }

        logger.LogInformation("Storage ready: {Engine}", database.Dialect == SqlDialect.Postgres ? "PostgreSQL" : $"SQLite at {Path.GetFullPath(options.Value.SqlitePath)}");
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    // WAL lets readers run while one writer commits; the setting is stored in the database file.
    private void EnableWriteAheadLog()
    {
        using var connection = new Microsoft.Data.Sqlite.SqliteConnection(database.ConnectionString);
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = "PRAGMA journal_mode=WAL;";
        command.ExecuteNonQuery();
    }
}
