using System.Data.Common;
using System.Text.Json;
using System.Text.Json.Nodes;
using Dapper;
using Latchkey.Server.ConnectSessions;
using Latchkey.Server.Hosting;
using Latchkey.Server.Providers;
using Latchkey.Server.Storage;

namespace Latchkey.Server.Connections;

/// <summary>What a successful auth (API key, basic, OAuth, import…) hands over to be saved.</summary>
public sealed record NewConnection(
    long EnvironmentId,
    long IntegrationId,
    string IntegrationKey,
    string Provider,
    string ConnectionId,
    JsonObject Credentials,
    DateTimeOffset? ExpiresAt,
    JsonObject ConnectionConfig,
    IReadOnlyDictionary<string, string>? Tags,
    EndUserProfile? EndUser,
    OrganizationProfile? Organization,
    string? WebhookUrlOverride,
    JsonObject? Metadata = null,
    CreationLimits? Limits = null)
{
    public override string ToString() => $"NewConnection {{ {ConnectionId} [credentials redacted] }}";
}

/// <summary>A refused refresh: its error type and description, the auth log entry that records it, and when to give up.</summary>
public sealed record RefreshFailure(string ErrorType, string Description, string LogId, int ExhaustedAfterDays);

/// <summary><see cref="Created"/> false means an existing connection was re-authorised (operation <c>override</c>).</summary>
public sealed record SavedConnection(long Id, string ConnectionId, bool Created)
{
    /// <summary>The end user row the save wrote, if any (shared with the end user's other connections).</summary>
    public long? EndUserRef { get; init; }
}

/// <summary>
/// Saves a connection, its end user and its tag index in one transaction, so a failure leaves no half-written row.
/// Credentials are sealed with the row's uid, so they cannot be moved to another row.
/// </summary>
public sealed class ConnectionWriter(
    Database database, GroupCommit writes, RowChanges changes, ConnectionSecrets secrets, TimeProvider clock, ProviderCatalog catalog,
    IEnumerable<IChangeHandler<ConnectionEvent>> events, LatchkeyMetrics metrics)
{
    /// <summary>
    /// Saves the connection, or answers <c>resource_capped</c> when creating it would pass <see cref="NewConnection.Limits"/>
    /// (checked in this transaction, so concurrent creations cannot pass a limit together).
    /// </summary>
    public async Task<Outcome<SavedConnection>> SaveAsync(NewConnection input, CancellationToken cancellationToken)
    {
        var saved = await writes.RunAsync(scope => SaveAsync(input, scope), cancellationToken);
        if (!saved.Failed)
        {
            changes.Report("connections", saved.Value.Id);
            if (saved.Value.Created)
            {
                metrics.ConnectionCreated(input.Provider);
            }

            if (saved.Value.EndUserRef is { } endUser)
            {
                changes.Report("end_users", endUser);
            }
        }

        return saved;
    }

    // Runs in a shared commit (GroupCommit); a refusal discards this write alone.
    private async Task<Outcome<SavedConnection>> SaveAsync(NewConnection input, WriteScope scope)
    {
        var (connection, transaction, cancellationToken) = (scope.Connection, scope.Transaction, scope.CancellationToken);
        var now = clock.GetUtcNow().ToUnixTimeMilliseconds();
        var credentialsJson = input.Credentials.ToJsonString();
        var expiresAt = input.ExpiresAt?.ToUnixTimeMilliseconds();
        if (input.Limits?.EnvironmentLimit is { } environmentLimit && await IsEnvironmentFullAsync(connection, transaction, input, environmentLimit, cancellationToken))
        {
            scope.Discard();
            return ApiError.BadRequest(ErrorCodes.ResourceCapped, ConnectionLimits.EnvironmentCappedMessage);
        }

        var endUserRef = input.EndUser is null ? (long?)null
            : await UpsertEndUserAsync(connection, transaction, input.EnvironmentId, input.EndUser, input.Organization, now, cancellationToken);

        var uid = Guid.NewGuid().ToString();
        var tags = input.Tags ?? new Dictionary<string, string>();
        var id = await connection.ExecuteScalarAsync<long?>(new CommandDefinition(
            """
            INSERT INTO connections (uid, environment_id, integration_id, connection_id, credentials_sealed, credentials_expires_at,
                connection_config, metadata, tags, end_user_ref, webhook_url_override, created_at, updated_at)
            VALUES (@uid, @EnvironmentId, @IntegrationId, @ConnectionId, @sealed, @expiresAt, @config, @metadata, @tags, @endUserRef,
                @WebhookUrlOverride, @now, @now)
            ON CONFLICT (environment_id, integration_id, connection_id) WHERE deleted_at IS NULL DO NOTHING
            RETURNING id
            """,
            new
            {
                uid,
                input.EnvironmentId,
                input.IntegrationId,
                input.ConnectionId,
                @sealed = secrets.Seal(credentialsJson, input.EnvironmentId, uid),
                expiresAt,
                config = input.ConnectionConfig.ToJsonString(),
                metadata = input.Metadata?.ToJsonString(),
                tags = JsonSerializer.Serialize(tags),
                endUserRef,
                input.WebhookUrlOverride,
                now,
            },
            transaction, cancellationToken: cancellationToken));

        var created = id is not null;
        if (created && input.Limits is { SessionId: { } sessionId } limits &&
            !await ConnectSessionStore.TryCountConnectionAsync(connection, transaction, sessionId, limits.SessionLimit, cancellationToken))
        {
            scope.Discard();
            return ApiError.BadRequest(ErrorCodes.ResourceCapped, ConnectionLimits.SessionCappedMessage(limits.SessionLimit));
        }

        IReadOnlyDictionary<string, string>? savedTags = tags;
        var savedWebhook = input.WebhookUrlOverride;
        if (!created)
        {
            // Re-authorisation of a live connection: new credentials and config, tags and end user only when given.
            var existing = await connection.QuerySingleAsync<(long Id, string Uid)>(new CommandDefinition(
                "SELECT id, uid FROM connections WHERE environment_id = @EnvironmentId AND integration_id = @IntegrationId AND connection_id = @ConnectionId AND deleted_at IS NULL",
                new { input.EnvironmentId, input.IntegrationId, input.ConnectionId }, transaction, cancellationToken: cancellationToken));
            id = existing.Id;
            var kept = await connection.QuerySingleAsync<(string? Tags, string? WebhookUrlOverride)>(new CommandDefinition(
                """
                UPDATE connections SET credentials_sealed = @sealed, credentials_expires_at = @expiresAt, connection_config = @config,
                    tags = COALESCE(@tags, tags), end_user_ref = COALESCE(@endUserRef, end_user_ref),
                    webhook_url_override = COALESCE(@WebhookUrlOverride, webhook_url_override),
                    last_refresh_failure_at = NULL, last_refresh_error = NULL, refresh_attempts = 0, refresh_exhausted = 0, updated_at = @now
                WHERE id = @Id
                RETURNING tags, webhook_url_override
                """,
                new
                {
                    existing.Id,
                    @sealed = secrets.Seal(credentialsJson, input.EnvironmentId, existing.Uid),
                    expiresAt,
                    config = input.ConnectionConfig.ToJsonString(),
                    tags = input.Tags is null ? null : JsonSerializer.Serialize(input.Tags),
                    endUserRef,
                    input.WebhookUrlOverride,
                    now,
                },
                transaction, cancellationToken: cancellationToken));
            savedTags = kept.Tags is null ? null : JsonSerializer.Deserialize<Dictionary<string, string>>(kept.Tags);
            savedWebhook = kept.WebhookUrlOverride;
        }

        if (created || input.Tags is not null)
        {
            await ReplaceTagIndexAsync(connection, transaction, id!.Value, tags, cancellationToken);
        }

        // The event of a save (spec §7.1): creation for a new row, override for a re-authorisation; with the row as saved.
        var endUser = input.EndUser is { } user ? new ConnectionEventEndUser(user.Id, user.Email, input.Organization?.Id, user.Tags) : null;
        var saved = new ConnectionEvent(input.EnvironmentId, id!.Value, input.ConnectionId, input.IntegrationKey, input.Provider,
            catalog.Find(input.Provider)?.AuthMode ?? "", created ? ConnectionEvent.Creation : ConnectionEvent.Override, Success: true, null, null,
            endUser, savedTags, savedWebhook);
        await events.RaiseAsync(saved, connection, transaction, cancellationToken);
        return new SavedConnection(id!.Value, input.ConnectionId, created) { EndUserRef = endUserRef };
    }

    // The first int of the two-int advisory key ('LKCL'): PostgreSQL's READ COMMITTED lets two transactions count the
    // same rows, so creations in one environment take turns here. SQLite's write transaction is already exclusive.
    private const int LimitLockSpace = 0x4C4B434C;

    private async Task<bool> IsEnvironmentFullAsync(DbConnection connection, DbTransaction transaction, NewConnection input, int limit, CancellationToken cancellationToken)
    {
        if (database.Dialect == SqlDialect.Postgres)
        {
            await connection.ExecuteAsync(new CommandDefinition("SELECT pg_advisory_xact_lock(@space, @key)",
                new { space = LimitLockSpace, key = unchecked((int)input.EnvironmentId) }, transaction, cancellationToken: cancellationToken));
        }

        var counts = await connection.QuerySingleAsync<(long Live, long Same)>(new CommandDefinition(
            """
            SELECT COUNT(*), COALESCE(SUM(CASE WHEN integration_id = @IntegrationId AND connection_id = @ConnectionId THEN 1 ELSE 0 END), 0)
            FROM connections WHERE environment_id = @EnvironmentId AND deleted_at IS NULL
            """,
            new { input.EnvironmentId, input.IntegrationId, input.ConnectionId }, transaction, cancellationToken: cancellationToken));
        return counts.Same == 0 && counts.Live >= limit;
    }

    /// <summary>PATCH of spec §4.6: end user, tags (end-user tags merged under explicit ones), webhook override.</summary>
    public async Task PatchAsync(StoredConnection current, EndUserProfile? endUser, IReadOnlyDictionary<string, string>? tags, string? webhookUrlOverride, CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow().ToUnixTimeMilliseconds();
        await using var connection = await database.OpenAsync(cancellationToken);
        await using var transaction = await Database.BeginWriteAsync(connection, cancellationToken);
        var endUserRef = endUser is null ? current.EndUserRef
            : await UpsertEndUserAsync(connection, transaction, current.EnvironmentId, endUser, null, now, cancellationToken);
        var newTags = endUser is null && tags is null ? null : ConnectSession.BuildTags(endUser, null, tags);
        await connection.ExecuteAsync(new CommandDefinition(
            """
            UPDATE connections SET end_user_ref = @endUserRef, tags = COALESCE(@tags, tags),
                webhook_url_override = @webhook, updated_at = @now WHERE id = @Id
            """,
            new
            {
                current.Id,
                endUserRef,
                tags = newTags is null ? null : JsonSerializer.Serialize(newTags),
                webhook = webhookUrlOverride is null ? current.WebhookUrlOverride : webhookUrlOverride.Length == 0 ? null : webhookUrlOverride,
                now,
            },
            transaction, cancellationToken: cancellationToken));
        if (newTags is not null)
        {
            await ReplaceTagIndexAsync(connection, transaction, current.Id, newTags, cancellationToken);
        }

        await transaction.CommitAsync(cancellationToken);
        changes.Report("connections", current.Id);
        if (endUserRef is { } endUserChanged)
        {
            changes.Report("end_users", endUserChanged);
        }
    }

    /// <summary>
    /// Stores refreshed credentials in one statement: a rotated refresh token is saved with its access token or not
    /// at all. Clears the failure record.
    /// </summary>
    public async Task SaveRefreshedAsync(StoredConnection connection, JsonObject credentials, DateTimeOffset? expiresAt, JsonObject? config, CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow().ToUnixTimeMilliseconds();
        await using var db = await database.OpenAsync(cancellationToken);
        await db.ExecuteAsync(new CommandDefinition(
            """
            UPDATE connections SET credentials_sealed = @sealed, credentials_expires_at = @expiresAt,
                connection_config = COALESCE(@config, connection_config), last_refresh_success_at = @now, last_refresh_failure_at = NULL,
                last_refresh_error = NULL, refresh_attempts = 0, refresh_exhausted = 0, updated_at = @now
            WHERE id = @Id
            """,
            new
            {
                connection.Id,
                @sealed = secrets.Seal(credentials.ToJsonString(), connection.EnvironmentId, connection.Uid),
                expiresAt = expiresAt?.ToUnixTimeMilliseconds(),
                config = config?.ToJsonString(),
                now,
            },
            cancellationToken: cancellationToken));
        changes.Report("connections", connection.Id);
        metrics.Refreshed(connection.Provider);
    }

    /// <summary>
    /// Records a refused refresh, keeping the credentials: the failure time, the auth log entry that tells why, and a
    /// failure count that grows at most once per day, so <see cref="RefreshFailure.ExhaustedAfterDays"/> failing days
    /// mark the connection exhausted (spec §5.10). The refresh-failure event is raised in the same transaction (spec §7.1).
    /// </summary>
    public async Task RecordRefreshFailureAsync(StoredConnection connection, RefreshFailure failure, CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow();
        var newDay = connection.LastRefreshFailureAt is not { } last || DateTimeOffset.FromUnixTimeMilliseconds(last).UtcDateTime.Date != now.UtcDateTime.Date;
        var attempts = connection.RefreshAttempts + (newDay ? 1 : 0);
        await using var db = await database.OpenAsync(cancellationToken);
        await using var transaction = await Database.BeginWriteAsync(db, cancellationToken);
        await db.ExecuteAsync(new CommandDefinition(
            """
            UPDATE connections SET last_refresh_failure_at = @now, last_refresh_error = @LogId, refresh_attempts = @attempts,
                refresh_exhausted = @exhausted WHERE id = @Id
            """,
            new { connection.Id, now = now.ToUnixTimeMilliseconds(), failure.LogId, attempts, exhausted = attempts >= failure.ExhaustedAfterDays ? 1 : 0 },
            transaction, cancellationToken: cancellationToken));
        var endUser = connection.EndUserId is { } id
            ? new ConnectionEventEndUser(id, connection.EndUserEmail, connection.EndUserOrganizationId,
                connection.EndUserTags is null ? null : JsonSerializer.Deserialize<Dictionary<string, string>>(connection.EndUserTags))
            : null;
        var tags = connection.Tags is null ? null : JsonSerializer.Deserialize<Dictionary<string, string>>(connection.Tags);
        var failed = new ConnectionEvent(connection.EnvironmentId, connection.Id, connection.ConnectionId, connection.IntegrationKey,
            connection.Provider, catalog.Find(connection.Provider)?.AuthMode ?? "", ConnectionEvent.Refresh, Success: false, failure.ErrorType, failure.Description,
            endUser, tags, connection.WebhookUrlOverride);
        await events.RaiseAsync(failed, db, transaction, cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        changes.Report("connections", connection.Id);
        metrics.RefreshFailed(connection.Provider, failure.ErrorType);
    }

    private static async Task<long> UpsertEndUserAsync(
        DbConnection connection, DbTransaction transaction, long environmentId, EndUserProfile endUser, OrganizationProfile? organization, long now, CancellationToken cancellationToken) =>
        await connection.ExecuteScalarAsync<long>(new CommandDefinition(
            """
            INSERT INTO end_users (environment_id, end_user_id, email, display_name, organization_id, organization_display_name, tags, created_at, updated_at)
            VALUES (@environmentId, @Id, @Email, @DisplayName, @organizationId, @organizationName, @tags, @now, @now)
            ON CONFLICT (environment_id, end_user_id) DO UPDATE SET
                email = COALESCE(excluded.email, end_users.email),
                display_name = COALESCE(excluded.display_name, end_users.display_name),
                organization_id = COALESCE(excluded.organization_id, end_users.organization_id),
                organization_display_name = COALESCE(excluded.organization_display_name, end_users.organization_display_name),
                tags = COALESCE(excluded.tags, end_users.tags),
                updated_at = excluded.updated_at
            RETURNING id
            """,
            new
            {
                environmentId,
                endUser.Id,
                endUser.Email,
                endUser.DisplayName,
                organizationId = organization?.Id,
                organizationName = organization?.DisplayName,
                tags = endUser.Tags is null ? null : JsonSerializer.Serialize(endUser.Tags),
                now,
            },
            transaction, cancellationToken: cancellationToken));

    private static async Task ReplaceTagIndexAsync(DbConnection connection, DbTransaction transaction, long connectionRef, IReadOnlyDictionary<string, string> tags, CancellationToken cancellationToken)
    {
        await connection.ExecuteAsync(new CommandDefinition(
            "DELETE FROM connection_tags WHERE connection_ref = @connectionRef", new { connectionRef }, transaction, cancellationToken: cancellationToken));
        foreach (var (key, value) in tags)
        {
            await connection.ExecuteAsync(new CommandDefinition(
                "INSERT INTO connection_tags (connection_ref, tag_key, tag_value) VALUES (@connectionRef, @key, @value)",
                new { connectionRef, key, value }, transaction, cancellationToken: cancellationToken));
        }
    }
}
