using Dapper;
using Latchkey.Server.Storage;

namespace Latchkey.Server.Webhooks;

public enum DeliveryState
{
    Pending = 0,
    Delivered = 1,
    Failed = 2,
}

/// <summary>One outbox row: an event for one target URL.</summary>
public sealed record WebhookDelivery
{
    public long Id { get; init; }

    public required string EventId { get; init; }

    public long EnvironmentId { get; init; }

    public required string ConnectionId { get; init; }

    public required string IntegrationKey { get; init; }

    public required string Operation { get; init; }

    public bool Success { get; init; }

    public required string Url { get; init; }

    public required string Body { get; init; }

    public DeliveryState State { get; init; }

    public int Attempts { get; init; }

    public long NextAttemptAt { get; init; }

    public int? LastStatus { get; init; }

    public string? LastError { get; init; }

    public long CreatedAt { get; init; }

    public long? DeliveredAt { get; init; }
}

/// <summary>One attempt at a delivery and the receiver's answer.</summary>
public sealed record WebhookAttempt
{
    public long Id { get; init; }

    public long DeliveryRef { get; init; }

    public long AttemptedAt { get; init; }

    public int? StatusCode { get; init; }

    public int DurationMs { get; init; }

    public string? Error { get; init; }
}

/// <summary>The outbox table: claiming due rows, recording attempts, listing for the dashboard, redelivery.</summary>
public sealed class WebhookDeliveryStore(Database database, TimeProvider clock)
{
    /// <summary>How long a claim lasts: longer than one attempt, so a crashed dispatcher's claim expires and another retries.</summary>
    public static readonly TimeSpan ClaimLifetime = TimeSpan.FromSeconds(90);

    private const string Columns =
        """
        id AS Id, event_id AS EventId, environment_id AS EnvironmentId, connection_id AS ConnectionId, integration_key AS IntegrationKey,
        operation AS Operation, success AS Success, url AS Url, body AS Body, state AS State, attempts AS Attempts,
        next_attempt_at AS NextAttemptAt, last_status AS LastStatus, last_error AS LastError, created_at AS CreatedAt, delivered_at AS DeliveredAt
        """;

    /// <summary>
    /// Claims one due delivery, so that no two dispatchers (of this instance or another) send it at once. On
    /// PostgreSQL the due row is picked with <c>FOR UPDATE SKIP LOCKED</c>: a row another instance is claiming is
    /// passed over, so concurrent claimers each get a different delivery instead of queueing on one row and coming back
    /// empty. SQLite serialises writers, and its claim re-checks <c>claimed_until</c> in the outer WHERE.
    /// </summary>
    public async Task<WebhookDelivery?> ClaimDueAsync(CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow().ToUnixTimeMilliseconds();
        await using var connection = await database.OpenAsync(cancellationToken);
        return await connection.QuerySingleOrDefaultAsync<WebhookDelivery>(new CommandDefinition(
            database.Dialect == SqlDialect.Postgres ? ClaimOnPostgres : ClaimOnSqlite,
            new { now, until = now + (long)ClaimLifetime.TotalMilliseconds }, cancellationToken: cancellationToken));
    }

    private const string Due = "state = 0 AND next_attempt_at <= @now AND (claimed_until IS NULL OR claimed_until < @now)";

    private const string ClaimOnPostgres =
        $"""
        UPDATE webhook_deliveries SET claimed_until = @until, attempts = attempts + 1
        WHERE id = (SELECT id FROM webhook_deliveries WHERE {Due} ORDER BY next_attempt_at, id LIMIT 1 FOR UPDATE SKIP LOCKED)
        RETURNING {Columns}
        """;

    private const string ClaimOnSqlite =
        $"""
        UPDATE webhook_deliveries SET claimed_until = @until, attempts = attempts + 1
        WHERE id = (SELECT id FROM webhook_deliveries WHERE {Due} ORDER BY next_attempt_at, id LIMIT 1)
          AND {Due}
        RETURNING {Columns}
        """;

    /// <summary>Records an attempt and moves the delivery on: delivered, due again at <paramref name="retryAt"/>, or failed.</summary>
    public async Task RecordAttemptAsync(long deliveryId, long attemptedAt, int? statusCode, int durationMs, string? error, DeliveryState state, DateTimeOffset? retryAt, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        await using var transaction = await Database.BeginWriteAsync(connection, cancellationToken);
        await connection.ExecuteAsync(new CommandDefinition(
            "INSERT INTO webhook_attempts (delivery_ref, attempted_at, status_code, duration_ms, error) VALUES (@deliveryId, @attemptedAt, @statusCode, @durationMs, @error)",
            new { deliveryId, attemptedAt, statusCode, durationMs, error }, transaction, cancellationToken: cancellationToken));
        await connection.ExecuteAsync(new CommandDefinition(
            """
            UPDATE webhook_deliveries SET state = @state, claimed_until = NULL, last_status = @statusCode, last_error = @error,
                next_attempt_at = COALESCE(@retryAt, next_attempt_at), delivered_at = @deliveredAt
            WHERE id = @deliveryId
            """,
            new
            {
                deliveryId,
                state = (int)state,
                statusCode,
                error,
                retryAt = retryAt?.ToUnixTimeMilliseconds(),
                deliveredAt = state == DeliveryState.Delivered ? clock.GetUtcNow().ToUnixTimeMilliseconds() : (long?)null,
            },
            transaction, cancellationToken: cancellationToken));
        await transaction.CommitAsync(cancellationToken);
    }

    public async Task<IReadOnlyList<WebhookDelivery>> ListAsync(long environmentId, int limit, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        return (await connection.QueryAsync<WebhookDelivery>(new CommandDefinition(
            $"SELECT {Columns} FROM webhook_deliveries WHERE environment_id = @environmentId ORDER BY id DESC LIMIT @limit",
            new { environmentId, limit }, cancellationToken: cancellationToken))).AsList();
    }

    public async Task<IReadOnlyList<WebhookAttempt>> AttemptsAsync(long environmentId, long deliveryId, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        return (await connection.QueryAsync<WebhookAttempt>(new CommandDefinition(
            """
            SELECT a.id AS Id, a.delivery_ref AS DeliveryRef, a.attempted_at AS AttemptedAt, a.status_code AS StatusCode, a.duration_ms AS DurationMs, a.error AS Error
            FROM webhook_attempts a JOIN webhook_deliveries d ON d.id = a.delivery_ref
            WHERE d.environment_id = @environmentId AND a.delivery_ref = @deliveryId ORDER BY a.id
            """,
            new { environmentId, deliveryId }, cancellationToken: cancellationToken))).AsList();
    }

    /// <summary>Queues a delivery again now (same event id, so receivers that saw it already drop it). False when unknown.</summary>
    public async Task<bool> RedeliverAsync(long environmentId, long deliveryId, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        var changed = await connection.ExecuteAsync(new CommandDefinition(
            "UPDATE webhook_deliveries SET state = 0, attempts = 0, next_attempt_at = @now, claimed_until = NULL WHERE id = @deliveryId AND environment_id = @environmentId",
            new { environmentId, deliveryId, now = clock.GetUtcNow().ToUnixTimeMilliseconds() }, cancellationToken: cancellationToken));
        return changed == 1;
    }
}
