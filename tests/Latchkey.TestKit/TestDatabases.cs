using System.Security.Cryptography;
using System.Text;
using Latchkey.Server.Storage;
using Npgsql;

namespace Latchkey.TestKit;

/// <summary>
/// Which engine the test servers run on. SQLite in each server's data directory by default; with
/// <c>LATCHKEY_TEST_POSTGRES</c> set to a PostgreSQL connection (a role allowed to create databases), each data
/// directory gets a database of its own, created on first use and dropped with the directory, so the same suites
/// run on both engines.
/// </summary>
public static class TestDatabases
{
    public const string Variable = "LATCHKEY_TEST_POSTGRES";

    /// <summary>The server's own setting; a test that sets it (even to empty, for SQLite) chooses its engine itself.</summary>
    public const string DatabaseUrlSetting = "LATCHKEY_DATABASE_URL";

    public static string? PostgresAdmin => Environment.GetEnvironmentVariable(Variable) is { Length: > 0 } value ? PostgresConnectionString.From(value) : null;

    public static bool UsesPostgres => PostgresAdmin is not null;

    /// <summary>The connection string of the data directory's own database (created when missing), or null on SQLite.</summary>
    public static async Task<string?> ForAsync(string dataDirectory)
    {
        if (PostgresAdmin is not { } admin)
        {
            return null;
        }

        var name = NameOf(dataDirectory);
        await using (var connection = new NpgsqlConnection(admin))
        {
            await connection.OpenAsync();
            await using var exists = new NpgsqlCommand("SELECT 1 FROM pg_database WHERE datname = @name", connection);
            exists.Parameters.AddWithValue("name", name);
            if (await exists.ExecuteScalarAsync() is null)
            {
                await using var create = new NpgsqlCommand($"CREATE DATABASE \"{name}\"", connection);
                await create.ExecuteNonQueryAsync();
            }
        }

        // Many test servers run at once on one PostgreSQL: small pools keep them under its connection limit.
        return new NpgsqlConnectionStringBuilder(admin) { Database = name, MaxPoolSize = 5 }.ToString();
    }

    public static async Task DropAsync(string dataDirectory)
    {
        if (PostgresAdmin is not { } admin)
        {
            return;
        }

        NpgsqlConnection.ClearAllPools();
        await using var connection = new NpgsqlConnection(admin);
        await connection.OpenAsync();
        await using var drop = new NpgsqlCommand($"DROP DATABASE IF EXISTS \"{NameOf(dataDirectory)}\" WITH (FORCE)", connection);
        // FORCE may meet a backend this role cannot end (an autovacuum worker): try again shortly, then leave the
        // database behind rather than fail a test that passed; it is named after a deleted temp folder.
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                await drop.ExecuteNonQueryAsync();
                return;
            }
            catch (PostgresException exception) when (exception.SqlState is PostgresErrorCodes.InsufficientPrivilege or PostgresErrorCodes.ObjectInUse && attempt < 5)
            {
                await Task.Delay(200 * attempt);
            }
            catch (PostgresException exception) when (exception.SqlState is PostgresErrorCodes.InsufficientPrivilege or PostgresErrorCodes.ObjectInUse)
            {
                return;
            }
        }
    }

    private const string InsufficientPrivilege = "42501";

    // One database per data directory, so a test that restarts a server on the same directory finds its data again.
    private static string NameOf(string dataDirectory) =>
        "latchkey_test_" + Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(Path.GetFullPath(dataDirectory))))[..16];
}
