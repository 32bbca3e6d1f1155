using System.Collections.Concurrent;
using Dapper;
using Microsoft.Data.Sqlite;

namespace Latchkey.Server.Storage;

/// <summary>
/// Hot reads kept prepared. A fresh command per call makes SQLite parse and plan the statement every time, which
/// dominated <c>GET /connections/:id</c>; here a few dedicated SQLite connections each keep their statements
/// prepared and are lent out one caller at a time. On PostgreSQL, and when every lease is busy, reads go the usual
/// way (Npgsql prepares hot statements itself, see <see cref="PostgresConnectionString"/>).
/// </summary>
public sealed class PreparedReads(Database database) : IAsyncDisposable
{
    private const int MaxLeases = 16;
    // A queue, not a ConcurrentBag: the bag's work stealing took a lock on most rents under load (thread-pool
    // threads rarely return a lease to the bag they took it from).
    private readonly ConcurrentQueue<Lease> _idle = new();
    private int _leases;

    public async Task<T?> QuerySingleOrDefaultAsync<T>(string sql, (string Name, object? Value)[] parameters, CancellationToken cancellationToken)
        where T : class
    {
        if (database.Dialect != SqlDialect.Sqlite || !TryRent(out var lease))
        {
            var dynamic = new DynamicParameters();
            foreach (var (name, value) in parameters)
            {
                dynamic.Add(name, value);
            }

            await using var connection = await database.OpenAsync(cancellationToken);
            return await connection.QuerySingleOrDefaultAsync<T>(new CommandDefinition(sql, dynamic, cancellationToken: cancellationToken));
        }

        var healthy = false;
        try
        {
            var statement = lease.StatementFor(sql, parameters);
            var command = statement.Command;
            for (var i = 0; i < parameters.Length; i++)
            {
                command.Parameters[i].Value = parameters[i].Value ?? DBNull.Value;
            }

            await using var reader = await command.ExecuteReaderAsync(cancellationToken);
            var result = await reader.ReadAsync(cancellationToken) ? statement.Parse<T>(reader) : null;
            healthy = true;
            return result;
        }
        finally
        {
            Return(lease, healthy);
        }
    }

    public async ValueTask DisposeAsync()
    {
        while (_idle.TryDequeue(out var lease))
        {
            await lease.DisposeAsync();
        }
    }

    private bool TryRent(out Lease lease)
    {
        if (_idle.TryDequeue(out lease!))
        {
            return true;
        }

        if (Interlocked.Increment(ref _leases) > MaxLeases)
        {
            Interlocked.Decrement(ref _leases);
            return false;
        }

        // Not pooled: a pooled handle could carry a writer's update hook (RowChanges); these connections only read.
        var connection = new SqliteConnection(new SqliteConnectionStringBuilder(database.ConnectionString) { Pooling = false }.ToString());
        connection.Open();
        using (var pragma = connection.CreateCommand())
        {
            // SQLite's default page cache is 2 MiB per connection, private to the process, and up to 16 leases fill
            // theirs on a large table. The file's pages stay in the operating system's cache, shared and free to
            // drop; 512 KiB keeps the indexes' upper levels here, which is what a lookup by key revisits.
            pragma.CommandText = "PRAGMA cache_size = -512";
            pragma.ExecuteNonQuery();
        }

        lease = new Lease(connection);
        return true;
    }

    // A lease whose command failed is closed rather than reused: its connection may be in an unknown state.
    private void Return(Lease lease, bool healthy)
    {
        if (healthy)
        {
            _idle.Enqueue(lease);
            return;
        }

        Interlocked.Decrement(ref _leases);
        lease.Dispose();
    }

    /// <summary>A prepared command and Dapper's row parser for it, both made once per lease.</summary>
    private sealed class Statement(SqliteCommand command)
    {
        private Delegate? _parser;

        public SqliteCommand Command { get; } = command;

        // Dapper finds its parser by hashing every column's name and type, which cost as much as stepping the
        // statement; a statement's columns never change, so the parser is looked up once. (A column's type comes
        // from its value or, when NULL, from its declared type: the schema keeps the two the same.)
        public T Parse<T>(SqliteDataReader reader) =>
            ((Func<System.Data.Common.DbDataReader, T>)(_parser ??= reader.GetRowParser<T>()))(reader);
    }

    private sealed class Lease(SqliteConnection connection) : IAsyncDisposable, IDisposable
    {
        private readonly Dictionary<string, Statement> _statements = new(StringComparer.Ordinal);

        public Statement StatementFor(string sql, (string Name, object? Value)[] parameters)
        {
            if (!_statements.TryGetValue(sql, out var statement))
            {
                var command = connection.CreateCommand();
                command.CommandText = sql;
                foreach (var (name, value) in parameters)
                {
                    command.Parameters.Add(new SqliteParameter("@" + name, value ?? DBNull.Value));
                }

                command.Prepare();
                statement = new Statement(command);
                _statements[sql] = statement;
            }

            return statement;
        }

        public void Dispose()
        {
            foreach (var statement in _statements.Values)
            {
                statement.Command.Dispose();
            }

            connection.Dispose();
        }

        public async ValueTask DisposeAsync()
        {
            foreach (var statement in _statements.Values)
            {
                await statement.Command.DisposeAsync();
            }

            await connection.DisposeAsync();
        }
    }
}
