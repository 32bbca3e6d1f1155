using System.Data.Common;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Options;
using Npgsql;

namespace Latchkey.Server.Storage;

public enum SqlDialect
{
    Sqlite,
    Postgres,
}

/// <summary>
/// Opens connections to the one database. Queries are written in the SQL both engines share (upserts with
/// <c>ON CONFLICT</c>, <c>RETURNING</c>, partial unique indexes, integers for times and flags) so every store runs
/// unchanged on SQLite and PostgreSQL.
/// </summary>
public sealed class Database : IAsyncDisposable
{
    private readonly NpgsqlDataSource? _postgres;
    private readonly string? _sqliteConnectionString;
    private readonly RowChanges? _rowChanges;

    public Database(IOptions<StorageOptions> options, RowChanges? rowChanges = null)
    {
        _rowChanges = rowChanges;
        var storage = options.Value;
        if (storage.UsesPostgres)
        {
            Dialect = SqlDialect.Postgres;
            ConnectionString = PostgresConnectionString.From(storage.DatabaseUrl!);
            _postgres = NpgsqlDataSource.Create(ConnectionString);
        }
        else
        {
            Dialect = SqlDialect.Sqlite;
            // The folder holds the database and, by default, the key file: owner-only like the key itself.
            DataFolder.Create(storage.DataDirectory);
            if (!OperatingSystem.IsWindows())
            {
                OwnerOnlyFiles.SecureSqliteFiles(storage.SqlitePath);
            }

            _sqliteConnectionString = new SqliteConnectionStringBuilder
            {
                DataSource = storage.SqlitePath,
                Mode = SqliteOpenMode.ReadWriteCreate,
                Pooling = true,
                // Writers wait for each other instead of failing with SQLITE_BUSY.
                DefaultTimeout = 30,
            }.ToString();
            ConnectionString = _sqliteConnectionString;
        }
    }

    public SqlDialect Dialect { get; }

    internal string ConnectionString { get; }

    /// <summary>A connection whose writes are reported to in-memory copies of rows (<see cref="RowChanges"/>).</summary>
    public async Task<DbConnection> OpenAsync(CancellationToken cancellationToken)
    {
        if (_postgres is not null)
        {
            return await _postgres.OpenConnectionAsync(cancellationToken);
        }

        var connection = new SqliteConnection(_sqliteConnectionString);
        await connection.OpenAsync(cancellationToken);
        if (_rowChanges is not null)
        {
            _rowChanges.Track(connection);
        }
        else
        {
            RowChanges.Untrack(connection);
        }

        return connection;
    }

    /// <summary>
    /// Throws when the database does not answer. On SQLite a fresh connection that may not create the file: pooled
    /// connections keep using a database file deleted under them (a lost volume), which must not look healthy.
    /// </summary>
    public async Task PingAsync(CancellationToken cancellationToken)
    {
        if (_postgres is not null)
        {
            await using var command = _postgres.CreateCommand("SELECT 1");
            await command.ExecuteScalarAsync(cancellationToken);
            return;
        }

        var existingFileOnly = new SqliteConnectionStringBuilder(_sqliteConnectionString) { Mode = SqliteOpenMode.ReadWrite, Pooling = false };
        await using var connection = new SqliteConnection(existingFileOnly.ToString());
        await connection.OpenAsync(cancellationToken);
        await using var query = connection.CreateCommand();
        // The schema, not just a file: after a lost volume a background poller's new pooled connection recreates the
        // file empty, and an empty database answers queries too.
        query.CommandText = "SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = 'connections'";
        if (Convert.ToInt64(await query.ExecuteScalarAsync(cancellationToken), System.Globalization.CultureInfo.InvariantCulture) == 0)
        {
            throw new InvalidOperationException("The SQLite database has no schema: its file was replaced.");
        }
    }

    /// <summary>
    /// A write transaction. On SQLite it takes the write lock up front (BEGIN IMMEDIATE), so two writers never both
    /// read and then fail to upgrade; PostgreSQL uses its default READ COMMITTED with row locks.
    /// </summary>
    public static async Task<DbTransaction> BeginWriteAsync(DbConnection connection, CancellationToken cancellationToken) =>
        connection is SqliteConnection sqlite
            ? sqlite.BeginTransaction(deferred: false)
            : await connection.BeginTransactionAsync(cancellationToken);

    public async ValueTask DisposeAsync()
    {
        if (_postgres is not null)
        {
            await _postgres.DisposeAsync();
        }
        else
        {
            SqliteConnection.ClearAllPools();
        }
    }
}

/// <summary>Accepts both <c>postgres://user:pass@host:port/db?sslmode=require</c> and a plain Npgsql connection string.</summary>
public static class PostgresConnectionString
{
    /// <summary>
    /// Connections each instance may hold when the URL does not say. Npgsql's default (100) is PostgreSQL's whole
    /// default <c>max_connections</c>: one busy instance would starve the others and fail requests instead of
    /// queueing them. Requests wait for a free connection from this pool instead.
    /// </summary>
    public const int DefaultMaxPoolSize = 20;

    public static string From(string value)
    {
        var builder = Parse(value);
        if (!builder.ContainsKey("Maximum Pool Size") && !ExplicitlySets(value, "max pool size", "maximum pool size", "maxpoolsize"))
        {
            builder.MaxPoolSize = DefaultMaxPoolSize;
        }

        return WithAutoPrepare(builder);
    }

    private static bool ExplicitlySets(string value, params string[] keywords) =>
        keywords.Any(keyword => value.Contains(keyword, StringComparison.OrdinalIgnoreCase));

    // Npgsql prepares statements used repeatedly (the hot credential read among them) unless told otherwise.
    private static string WithAutoPrepare(NpgsqlConnectionStringBuilder builder)
    {
        if (builder.MaxAutoPrepare == 0)
        {
            builder.MaxAutoPrepare = 32;
        }

        return builder.ToString();
    }

    private static NpgsqlConnectionStringBuilder Parse(string value)
    {
        if (!value.StartsWith("postgres://", StringComparison.OrdinalIgnoreCase) &&
            !value.StartsWith("postgresql://", StringComparison.OrdinalIgnoreCase))
        {
            return new NpgsqlConnectionStringBuilder(value);
        }

        var uri = new Uri(value);
        var builder = new NpgsqlConnectionStringBuilder
        {
            Host = uri.Host,
            Port = uri.Port > 0 ? uri.Port : 5432,
            Database = Uri.UnescapeDataString(uri.AbsolutePath.TrimStart('/')),
        };
        var userInfo = uri.UserInfo.Split(':', 2);
        if (userInfo[0].Length > 0)
        {
            builder.Username = Uri.UnescapeDataString(userInfo[0]);
        }

        if (userInfo.Length > 1)
        {
            builder.Password = Uri.UnescapeDataString(userInfo[1]);
        }

        foreach (var pair in uri.Query.TrimStart('?').Split('&', StringSplitOptions.RemoveEmptyEntries))
        {
            var parts = pair.Split('=', 2);
            var name = Uri.UnescapeDataString(parts[0]);
            builder[name.Equals("sslmode", StringComparison.OrdinalIgnoreCase) ? "SSL Mode" : name] = parts.Length > 1 ? Uri.UnescapeDataString(parts[1]) : "";
        }

        return builder;
    }
}
