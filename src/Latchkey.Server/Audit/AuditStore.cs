using Dapper;
using Latchkey.Server.Storage;

namespace Latchkey.Server.Audit;

/// <summary>A stored audit entry, as listed by <c>GET /audit</c> and the dashboard's Audit page.</summary>
public sealed record AuditEntry
{
    public long Id { get; init; }

    public long At { get; init; }

    public long? EnvironmentId { get; init; }

    public required string Actor { get; init; }

    public required string ActorType { get; init; }

    public string? Ip { get; init; }

    public required string Action { get; init; }

    public string? Target { get; init; }

    public string? Changes { get; init; }
}

/// <summary>
/// Filters of a listing: the entries of <see cref="EnvironmentId"/> and those of no environment (users, logins);
/// <see cref="Actor"/> matches part of the actor, case-insensitively; <see cref="From"/> inclusive, <see cref="To"/>
/// exclusive (epoch milliseconds); <see cref="Before"/> pages backwards by id.
/// </summary>
public sealed record AuditFilter(long EnvironmentId, string? Actor = null, string? Action = null, long? From = null, long? To = null, long? Before = null, int Limit = 50);

/// <summary>The audit table. Only inserts, reads and the retention purge: entries are never changed (a trigger refuses it).</summary>
public sealed class AuditStore(Database database)
{
    private const string Columns =
        "id AS Id, at AS At, environment_id AS EnvironmentId, actor AS Actor, actor_type AS ActorType, ip AS Ip, action AS Action, target AS Target, changes AS Changes";

    public async Task InsertAsync(AuditEntry entry, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        await connection.ExecuteAsync(new CommandDefinition(
            """
            INSERT INTO audit_entries (at, environment_id, actor, actor_type, ip, action, target, changes)
            VALUES (@At, @EnvironmentId, @Actor, @ActorType, @Ip, @Action, @Target, @Changes)
            """,
            entry, cancellationToken: cancellationToken));
    }

    public async Task<IReadOnlyList<AuditEntry>> ListAsync(AuditFilter filter, CancellationToken cancellationToken)
    {
        // Conditions only for the filters given: PostgreSQL cannot type a bare "@x IS NULL" parameter.
        var where = new List<string> { "(environment_id = @environmentId OR environment_id IS NULL)" };
        var parameters = new DynamicParameters(new { environmentId = filter.EnvironmentId, limit = filter.Limit });
        if (filter.Actor is { } actor)
        {
            where.Add(@"LOWER(actor) LIKE @actor ESCAPE '\'");
            parameters.Add("actor", "%" + actor.ToLowerInvariant().Replace(@"\", @"\\", StringComparison.Ordinal)
                .Replace("%", @"\%", StringComparison.Ordinal).Replace("_", @"\_", StringComparison.Ordinal) + "%");
        }

        if (filter.Action is { } action)
        {
            where.Add("action = @action");
            parameters.Add("action", action);
        }

        if (filter.From is { } from)
        {
            where.Add("at >= @from");
            parameters.Add("from", from);
        }

        if (filter.To is { } to)
        {
            where.Add("at < @to");
            parameters.Add("to", to);
        }

        if (filter.Before is { } before)
        {
            where.Add("id < @before");
            parameters.Add("before", before);
        }

        await using var connection = await database.OpenAsync(cancellationToken);
        return (await connection.QueryAsync<AuditEntry>(new CommandDefinition(
            $"SELECT {Columns} FROM audit_entries WHERE {string.Join(" AND ", where)} ORDER BY id DESC LIMIT @limit",
            parameters, cancellationToken: cancellationToken))).AsList();
    }

    public async Task<int> PurgeAsync(DateTimeOffset olderThan, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        return await connection.ExecuteAsync(new CommandDefinition(
            "DELETE FROM audit_entries WHERE at < @cutoff", new { cutoff = olderThan.ToUnixTimeMilliseconds() }, cancellationToken: cancellationToken));
    }
}
