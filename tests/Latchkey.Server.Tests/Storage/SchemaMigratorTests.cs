using System.Net;
using System.Reflection;
using Dapper;
using FluentMigrator;
using FluentMigrator.Runner;
using Latchkey.Server.Environments;
using Latchkey.Server.Storage;
using Latchkey.Server.Storage.Migrations;
using Latchkey.Server.Vault;
using Microsoft.Extensions.Options;

namespace Latchkey.Server.Tests.Storage;

/// <summary>A restart skips FluentMigrator only when the database records every migration of this build (SQLite, or PostgreSQL with LATCHKEY_TEST_POSTGRES).</summary>
public sealed class SchemaMigratorTests
{
    private const string UpToDate = "(schema up to date)";

    [Fact]
    public async Task Restart_OnAnUpToDateDatabase_SkipsTheMigrations_AndServes()
    {
        await WithDataDirectoryAsync(async (dataDirectory, settings) =>
        {
            await using (var first = await Server.StartAsync(settings, dataDirectory: dataDirectory))
            {
                Assert.DoesNotContain(first.Logs.Lines, line => line.Contains(UpToDate, StringComparison.Ordinal));
            }

            await using var again = await Server.StartAsync(settings, dataDirectory: dataDirectory);

            Assert.Contains(again.Logs.Lines, line => line.Contains(UpToDate, StringComparison.Ordinal));
            Assert.Equal(HttpStatusCode.OK, (await again.Backend.GetAsync("/environment", Server.Cancellation)).StatusCode);
        });
    }

    [Fact]
    public async Task Restart_OnADatabaseMissingAnOlderMigration_RunsIt_ThoughANewerOneIsApplied()
    {
        // A gap below the newest applied version (as a migration merged from another branch leaves): a check of the
        // highest version alone would skip it. The dashboard sessions' migration is one with a table on both engines.
        var missing = typeof(M031DashboardSessions).GetCustomAttribute<MigrationAttribute>()!.Version;
        Assert.Contains(SchemaMigrator.Versions, version => version > missing);

        await WithDataDirectoryAsync(async (dataDirectory, settings) =>
        {
            await using (var first = await Server.StartAsync(settings, dataDirectory: dataDirectory))
            {
                await using var connection = await first.Services.GetRequiredService<Database>().OpenAsync(Server.Cancellation);
                await connection.ExecuteAsync("DROP TABLE dashboard_sessions");
                await connection.ExecuteAsync($"DELETE FROM {VersionTable(first)} WHERE \"Version\" = {missing}");
            }

            await using var again = await Server.StartAsync(settings, dataDirectory: dataDirectory);
            await using var reopened = await again.Services.GetRequiredService<Database>().OpenAsync(Server.Cancellation);

            Assert.DoesNotContain(again.Logs.Lines, line => line.Contains(UpToDate, StringComparison.Ordinal));
            Assert.Equal(0, await reopened.ExecuteScalarAsync<long>("SELECT COUNT(*) FROM dashboard_sessions"));
            Assert.Superset(SchemaMigrator.Versions.ToHashSet(), (await reopened.QueryAsync<long>($"SELECT \"Version\" FROM {VersionTable(again)}")).ToHashSet());
        });
    }

    [Fact]
    public void Versions_AreTheMigrationsFluentMigratorRuns()
    {
        var dataDirectory = Directory.CreateTempSubdirectory("latchkey-migrate-").FullName;
        try
        {
            var database = new Database(Options.Create(new StorageOptions { DataDirectory = dataDirectory }));
            using var services = SchemaMigrator.RunnerServices(database);
            using var scope = services.CreateScope();

            var found = scope.ServiceProvider.GetRequiredService<IMigrationInformationLoader>().LoadMigrations().Keys;

            Assert.Equal(found.Order(), SchemaMigrator.Versions.Order());
        }
        finally
        {
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            Directory.Delete(dataDirectory, recursive: true);
        }
    }

    private static string VersionTable(TestApp app) => app.DatabaseUrl is null ? "\"VersionInfo\"" : "\"public\".\"VersionInfo\"";

    /// <summary>A data folder (and its PostgreSQL database) that outlives the servers started on it, removed at the end.</summary>
    private static async Task WithDataDirectoryAsync(Func<string, Dictionary<string, string?>, Task> test)
    {
        var dataDirectory = Directory.CreateTempSubdirectory("latchkey-migrate-").FullName;
        var settings = new Dictionary<string, string?>
        {
            ["LATCHKEY_ENCRYPTION_KEY"] = EncryptionKey.Generate().ToBase64(),
            ["LATCHKEY_SECRET_KEY_DEV"] = KeyFormats.NewSecretKey(),
            ["LATCHKEY_SECRET_KEY_PROD"] = KeyFormats.NewSecretKey(),
        };
        try
        {
            await test(dataDirectory, settings);
        }
        finally
        {
            await TestDatabases.DropAsync(dataDirectory);
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            Directory.Delete(dataDirectory, recursive: true);
        }
    }
}
