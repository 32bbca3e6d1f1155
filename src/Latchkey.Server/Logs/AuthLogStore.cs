using System.Data;
using System.Data.Common;
using System.Text.Json;
using Dapper;
using Latchkey.Server.Hosting.Validation;
using Latchkey.Server.Storage;

namespace Latchkey.Server.Logs;

/// <summary>A stored auth attempt, as listed by <c>GET /logs</c> and the dashboard.</summary>
public sealed record StoredAuthLog
{
    public long Id { get; init; }

    public required string Uid { get; init; }

    public required string Kind { get; init; }

    public required string IntegrationKey { get; init; }

    public string? ConnectionId { get; init; }

    public bool Success { get; init; }

    public string? ErrorType { get; init; }

    public string? Message { get; init; }

    public required string Steps { get; init; }

    public long StartedAt { get; init; }

    public int DurationMs { get; init; }

    public IReadOnlyList<StoredStep> StepList => JsonSerializer.Deserialize<StoredStep[]>(Steps) ?? [];
}

public sealed record StoredStep(string Name, long At, string? Detail);

/// <summary>Filters of a log listing; <see cref="Before"/> pages backwards by id.</summary>
public sealed record AuthLogFilter(string? ConnectionId = null, string? IntegrationKey = null, bool? Success = null, long? Before = null, int Limit = 50);

public sealed class AuthLogStore(Database database, GroupCommit writes)
{
    private const string Columns =
        """
        id AS Id, uid AS Uid, kind AS Kind, integration_key AS IntegrationKey, connection_id AS ConnectionId, success AS Success,
        error_type AS ErrorType, message AS Message, steps AS Steps, started_at AS StartedAt, duration_ms AS DurationMs
        """;

    /// <summary>
    /// Inserts a batch in one transaction (each entry's uid was chosen when it was made, so a connection's
    /// <c>errors[].log_id</c> can point at it before it is written).
    /// </summary>
    public async Task InsertAsync(IReadOnlyList<AuthLogEntry> entries, CancellationToken cancellationToken)
    {
        if (entries.Count == 0)
        {
            return;
        }

        // Shares its commit with the other writes of the moment (GroupCommit) instead of paying its own fsync.
        await writes.RunAsync(async scope =>
        {
            // One command for the whole batch, its parameters re-bound per row: the statement is parsed once (SQLite
            // keeps it prepared while the command lives), not once per entry as a fresh command per row would.
            await using var command = scope.Connection.CreateCommand();
            command.Transaction = scope.Transaction;
            command.CommandText =
                """
                INSERT INTO auth_logs (uid, environment_id, kind, integration_key, connection_id, success, error_type, message, steps, started_at, duration_ms)
                VALUES (@uid, @environmentId, @kind, @integrationKey, @connectionId, @success, @errorType, @message, @steps, @startedAt, @durationMs)
                """;
            var row = InsertParameters.AddTo(command);
            foreach (var entry in entries)
            {
                row.Bind(entry);
                await command.ExecuteNonQueryAsync(scope.CancellationToken);
            }
        }, cancellationToken);
    }

    public async Task<IReadOnlyList<StoredAuthLog>> ListAsync(long environmentId, AuthLogFilter filter, CancellationToken cancellationToken)
    {
        // Conditions are added only for the filters given: PostgreSQL cannot type a bare "@x IS NULL" parameter.
        var where = new List<string> { "environment_id = @environmentId" };
        var parameters = new DynamicParameters(new { environmentId, limit = filter.Limit });
        if (filter.ConnectionId is { } connectionId)
        {
            where.Add("connection_id = @connectionId");
            parameters.Add("connectionId", connectionId);
        }

        if (filter.IntegrationKey is { } integrationKey)
        {
            where.Add("integration_key = @integrationKey");
            parameters.Add("integrationKey", integrationKey);
        }

        if (filter.Success is { } success)
        {
            where.Add("success = @success");
            parameters.Add("success", success ? 1 : 0);
        }

        if (filter.Before is { } before)
        {
            where.Add("id < @before");
            parameters.Add("before", before);
        }

        await using var connection = await database.OpenAsync(cancellationToken);
        return (await connection.QueryAsync<StoredAuthLog>(new CommandDefinition(
            $"SELECT {Columns} FROM auth_logs WHERE {string.Join(" AND ", where)} ORDER BY id DESC LIMIT @limit",
            parameters, cancellationToken: cancellationToken))).AsList();
    }

    public async Task<StoredAuthLog?> FindAsync(long environmentId, string uid, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        return await connection.QuerySingleOrDefaultAsync<StoredAuthLog>(new CommandDefinition(
            $"SELECT {Columns} FROM auth_logs WHERE environment_id = @environmentId AND uid = @uid", new { environmentId, uid }, cancellationToken: cancellationToken));
    }

    public async Task<int> PurgeAsync(DateTimeOffset olderThan, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        return await connection.ExecuteAsync(new CommandDefinition(
            "DELETE FROM auth_logs WHERE started_at < @cutoff", new { cutoff = olderThan.ToUnixTimeMilliseconds() }, cancellationToken: cancellationToken));
    }

    private static string? Truncate(string? value, int max) => value is null || value.Length <= max ? value : value[..max];

    /// <summary>The parameters of the insert, created once per batch and given each entry's values in turn.</summary>
    private sealed class InsertParameters
    {
        private readonly DbParameter[] _values;

        private InsertParameters(DbParameter[] values) => _values = values;

        public static InsertParameters AddTo(DbCommand command)
        {
            // Typed, so that PostgreSQL knows a null's type too.
            (string Name, DbType Type)[] columns =
            [
                ("uid", DbType.String), ("environmentId", DbType.Int64), ("kind", DbType.String), ("integrationKey", DbType.String),
                ("connectionId", DbType.String), ("success", DbType.Int32), ("errorType", DbType.String), ("message", DbType.String),
                ("steps", DbType.String), ("startedAt", DbType.Int64), ("durationMs", DbType.Int32),
            ];
            var values = columns.Select(column =>
            {
                var parameter = command.CreateParameter();
                parameter.ParameterName = column.Name;
                parameter.DbType = column.Type;
                command.Parameters.Add(parameter);
                return parameter;
            }).ToArray();
            return new InsertParameters(values);
        }

        public void Bind(AuthLogEntry entry)
        {
            Set(0, entry.Uid);
            Set(1, entry.EnvironmentId);
            Set(2, entry.Kind);
            Set(3, entry.IntegrationKey);
            Set(4, entry.ConnectionId);
            Set(5, entry.Success ? 1 : 0);
            Set(6, entry.ErrorType);
            Set(7, Truncate(entry.Message, InputLimits.Text));
            Set(8, JsonSerializer.Serialize(entry.Steps.Select(s => new StoredStep(Truncate(s.Name, InputLimits.StepName)!, s.At.ToUnixTimeMilliseconds(), Truncate(s.Detail, InputLimits.StepDetail)))));
            Set(9, entry.StartedAt.ToUnixTimeMilliseconds());
            Set(10, (int)Math.Min(int.MaxValue, entry.Duration.TotalMilliseconds));
        }

        private void Set(int index, object? value) => _values[index].Value = value ?? DBNull.Value;
    }
}
