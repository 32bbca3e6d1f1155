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
    private readonly ConcurrentBag<Lease> _idle = [];
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
            var command = lease.CommandFor(sql, parameters);
            for (var i = 0; i < parameters.Length; i++)
            {
                command.Parameters[i].Value = parameters[i].Value ?? DBNull.Value;
            }

            await using var reader = await command.ExecuteReaderAsync(cancellationToken);
            var result = await reader.ReadAsync(cancellationToken) ? reader.GetRowParser<T>()(reader) : null;
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
        while (_idle.TryTake(out var lease))
        {
            await lease.DisposeAsync();
        }
    }

    private bool TryRent(out Lease lease)
    {
        if (_idle.TryTake(out lease!))
        {
            return true;
        }

        if (Interlocked.Increment(ref _leases) > MaxLeases)
        {
            Interlocked.Decrement(ref _leases);
            return false;
        }

        var connection = new SqliteConnection(database.ConnectionString);
        connection.Open();
        lease = new Lease(connection);
        return true;
    }

    // A lease whose command failed is closed rather than reused: its connection may be in an unknown state.
    private void Return(Lease lease, bool healthy)
    {
        if (healthy)
        {
            _idle.Add(lease);
            return;
        }

        Interlocked.Decrement(ref _leases);
        lease.Dispose();
    }

    private sealed class Lease(SqliteConnection connection) : IAsyncDisposable, IDisposable
    {
        private readonly Dictionary<string, SqliteCommand> _commands = new(StringComparer.Ordinal);

        public SqliteCommand CommandFor(string sql, (string Name, object? Value)[] parameters)
        {
            if (!_commands.TryGetValue(sql, out var command))
            {
                command = connection.CreateCommand();
                command.CommandText = sql;
                foreach (var (name, value) in parameters)
                {
                    command.Parameters.Add(new SqliteParameter("@" + name, value ?? DBNull.Value));
                }

                command.Prepare();
                _commands[sql] = command;
            }

            return command;
        }

        public void Dispose()
        {
            foreach (var command in _commands.Values)
            {
                command.Dispose();
            }

            connection.Dispose();
        }

        public async ValueTask DisposeAsync()
        {
            foreach (var command in _commands.Values)
            {
                await command.DisposeAsync();
            }

            await connection.DisposeAsync();
        }
    }
}
