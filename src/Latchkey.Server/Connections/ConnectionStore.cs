using System.Data.Common;
using System.Text;
using System.Text.Json.Nodes;
using Dapper;
using Latchkey.Server.Providers;
using Latchkey.Server.Storage;

namespace Latchkey.Server.Connections;

/// <summary>Reads and edits of the connections table (saving credentials is <see cref="ConnectionWriter"/>'s job).</summary>
public sealed class ConnectionStore(Database database, PreparedReads preparedReads, ConnectionCache cache, RowChanges changes, TimeProvider clock)
{
    internal const string SelectColumns = """
        SELECT c.id AS Id, c.uid AS Uid, c.environment_id AS EnvironmentId, c.integration_id AS IntegrationId,
            c.connection_id AS ConnectionId, i.unique_key AS IntegrationKey, i.provider AS Provider,
            c.credentials_sealed AS CredentialsSealed, c.credentials_expires_at AS CredentialsExpiresAt,
            c.connection_config AS ConnectionConfig, c.metadata AS Metadata, c.tags AS Tags, c.webhook_url_override AS WebhookUrlOverride,
            f.fetched_at AS LastFetchedAt, c.last_refresh_success_at AS LastRefreshSuccessAt,
            c.last_refresh_failure_at AS LastRefreshFailureAt, c.last_refresh_error AS LastRefreshError,
            c.refresh_attempts AS RefreshAttempts, c.refresh_exhausted AS RefreshExhausted,
            c.created_at AS CreatedAt, c.updated_at AS UpdatedAt, c.end_user_ref AS EndUserRef,
            eu.end_user_id AS EndUserId, eu.email AS EndUserEmail, eu.display_name AS EndUserDisplayName,
            eu.organization_id AS EndUserOrganizationId, eu.organization_display_name AS EndUserOrganizationDisplayName,
            eu.tags AS EndUserTags
        FROM connections c
        JOIN integrations i ON i.id = c.integration_id
        LEFT JOIN end_users eu ON eu.id = c.end_user_ref
        LEFT JOIN connection_fetches f ON f.connection_ref = c.id
        """;

    /// <summary>
    /// The hot read of <c>GET /connections/:id</c>: from memory when this process has the row and nothing changed it
    /// since (<see cref="ConnectionCache"/>), else one statement kept prepared. The row's <c>LastFetchedAt</c> may lag
    /// (fetch stamps do not invalidate copies): the caller reports the fetch it is making instead.
    /// </summary>
    public async Task<StoredConnection?> FindForReadAsync(long environmentId, string integrationKey, string connectionId, CancellationToken cancellationToken)
    {
        if (cache.Find(environmentId, integrationKey, connectionId) is { } copy)
        {
            return copy;
        }

        var readAfter = cache.Before();
        var row = await FindAsync(environmentId, integrationKey, connectionId, cancellationToken);
        if (row is not null)
        {
            cache.Keep(row, readAfter);
        }

        return row;
    }

    /// <summary>One statement, kept prepared; always the database's current row.</summary>
    public Task<StoredConnection?> FindAsync(long environmentId, string integrationKey, string connectionId, CancellationToken cancellationToken) =>
        preparedReads.QuerySingleOrDefaultAsync<StoredConnection>(FindSql,
            [("environmentId", environmentId), ("integrationKey", integrationKey), ("connectionId", connectionId)], cancellationToken);

    internal static Task<StoredConnection?> FindAsync(
        DbConnection connection, DbTransaction? transaction, long environmentId, string integrationKey, string connectionId, CancellationToken cancellationToken) =>
        connection.QuerySingleOrDefaultAsync<StoredConnection>(new CommandDefinition(
            FindSql, new { environmentId, integrationKey, connectionId }, transaction, cancellationToken: cancellationToken));

    private const string FindSql =
        $"{SelectColumns} WHERE c.environment_id = @environmentId AND i.unique_key = @integrationKey AND c.connection_id = @connectionId AND c.deleted_at IS NULL";

    public async Task<StoredConnection?> GetLiveAsync(long id, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        return await connection.QuerySingleOrDefaultAsync<StoredConnection>(new CommandDefinition(
            $"{SelectColumns} WHERE c.id = @id AND c.deleted_at IS NULL", new { id }, cancellationToken: cancellationToken));
    }

    /// <summary>
    /// The live connection of an integration whose connection config holds <paramref name="key"/> = <paramref name="value"/>
    /// (a GitHub App's <c>installation_id</c>), or null. The config is JSON text in both databases: a LIKE on the
    /// serialized pair narrows the rows, the parsed config decides.
    /// </summary>
    public async Task<StoredConnection?> FindByConfigValueAsync(long integrationId, string key, string value, CancellationToken cancellationToken)
    {
        var pattern = "%" + EscapeLike(new JsonObject { [key] = value }.ToJsonString()[1..^1]) + "%";
        await using var connection = await database.OpenAsync(cancellationToken);
        var rows = await connection.QueryAsync<StoredConnection>(new CommandDefinition(
            $"{SelectColumns} WHERE c.integration_id = @integrationId AND c.deleted_at IS NULL AND c.connection_config LIKE @pattern ESCAPE '\\' ORDER BY c.id DESC",
            new { integrationId, pattern }, cancellationToken: cancellationToken));
        return rows.FirstOrDefault(row => row.ConnectionConfigObject().GetString(key) == value);
    }

    public async Task<IReadOnlyList<StoredConnection>> ListAsync(long environmentId, ConnectionFilter filter, CancellationToken cancellationToken)
    {
        var sql = new StringBuilder($"{SelectColumns} WHERE c.environment_id = @environmentId AND c.deleted_at IS NULL");
        var parameters = new DynamicParameters(new { environmentId });
        if (filter.ConnectionId is not null)
        {
            sql.Append(" AND c.connection_id = @connectionId");
            parameters.Add("connectionId", filter.ConnectionId);
        }

        if (filter.Search is not null)
        {
            sql.Append(" AND (LOWER(c.connection_id) LIKE @search ESCAPE '\\' OR LOWER(eu.display_name) LIKE @search ESCAPE '\\' OR LOWER(eu.email) LIKE @search ESCAPE '\\')");
            parameters.Add("search", "%" + EscapeLike(filter.Search.ToLowerInvariant()) + "%");
        }

        if (filter.EndUserId is not null)
        {
            sql.Append(" AND (eu.end_user_id = @endUserId OR EXISTS (SELECT 1 FROM connection_tags t WHERE t.connection_ref = c.id AND t.tag_key = 'end_user_id' AND t.tag_value = @endUserId))");
            parameters.Add("endUserId", filter.EndUserId);
        }

        if (filter.EndUserOrganizationId is not null)
        {
            sql.Append(" AND (eu.organization_id = @organizationId OR EXISTS (SELECT 1 FROM connection_tags t WHERE t.connection_ref = c.id AND t.tag_key = 'organization_id' AND t.tag_value = @organizationId))");
            parameters.Add("organizationId", filter.EndUserOrganizationId);
        }

        if (filter.IntegrationKeys is { Count: > 0 })
        {
            sql.Append(" AND ").Append(SqlList.In("i.unique_key", filter.IntegrationKeys, parameters, "integrationKey"));
        }

        var index = 0;
        foreach (var (key, value) in filter.Tags)
        {
            sql.Append($" AND EXISTS (SELECT 1 FROM connection_tags t WHERE t.connection_ref = c.id AND t.tag_key = @tagKey{index} AND t.tag_value = @tagValue{index})");
            parameters.Add($"tagKey{index}", key);
            parameters.Add($"tagValue{index}", value);
            index++;
        }

        sql.Append(" ORDER BY c.created_at DESC, c.id DESC LIMIT @limit OFFSET @offset");
        parameters.Add("limit", filter.Limit);
        parameters.Add("offset", (long)filter.Limit * filter.Page);

        await using var connection = await database.OpenAsync(cancellationToken);
        return (await connection.QueryAsync<StoredConnection>(new CommandDefinition(sql.ToString(), parameters, cancellationToken: cancellationToken))).AsList();
    }

    public async Task<long> CountLiveAsync(long environmentId, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        return await connection.ExecuteScalarAsync<long>(new CommandDefinition(
            "SELECT COUNT(*) FROM connections WHERE environment_id = @environmentId AND deleted_at IS NULL",
            new { environmentId }, cancellationToken: cancellationToken));
    }

    public async Task<long> CountLiveOfIntegrationAsync(long integrationId, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        return await connection.ExecuteScalarAsync<long>(new CommandDefinition(
            "SELECT COUNT(*) FROM connections WHERE integration_id = @integrationId AND deleted_at IS NULL",
            new { integrationId }, cancellationToken: cancellationToken));
    }

    /// <summary>Soft-deletes every live connection of an integration, inside the transaction that deletes the integration.</summary>
    public async Task SoftDeleteOfIntegrationAsync(DbConnection connection, DbTransaction transaction, long integrationId, CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow().ToUnixTimeMilliseconds();
        await connection.ExecuteAsync(new CommandDefinition(
            "UPDATE connections SET deleted_at = @now WHERE integration_id = @integrationId AND deleted_at IS NULL",
            new { integrationId, now }, transaction, cancellationToken: cancellationToken));
    }

    /// <summary>
    /// Whether the environment has an integration with this key: the read that tells "no such integration" from "no
    /// such connection" once a lookup found nothing (the key is part of every connection read's join).
    /// </summary>
    public async Task<bool> HasIntegrationAsync(long environmentId, string integrationKey, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        return await connection.ExecuteScalarAsync<long>(new CommandDefinition(
            "SELECT COUNT(*) FROM integrations WHERE environment_id = @environmentId AND unique_key = @integrationKey",
            new { environmentId, integrationKey }, cancellationToken: cancellationToken)) > 0;
    }

    public async Task<bool> SoftDeleteAsync(long id, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        var now = clock.GetUtcNow().ToUnixTimeMilliseconds();
        var deleted = await connection.ExecuteAsync(new CommandDefinition(
            "UPDATE connections SET deleted_at = @now, updated_at = @now WHERE id = @id AND deleted_at IS NULL",
            new { id, now }, cancellationToken: cancellationToken)) > 0;
        changes.Report("connections", id);
        return deleted;
    }

    /// <summary>
    /// Replaces (or shallow-merges) the metadata of every named connection, or of none: when one is missing the
    /// transaction is rolled back and its id returned.
    /// </summary>
    public async Task<string?> SetMetadataAsync(long environmentId, string integrationKey, IReadOnlyList<string> connectionIds, JsonObject metadata, bool merge, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        await using var transaction = await Database.BeginWriteAsync(connection, cancellationToken);
        var now = clock.GetUtcNow().ToUnixTimeMilliseconds();
        var changed = new List<long>();
        foreach (var connectionId in connectionIds)
        {
            var found = await FindAsync(connection, transaction, environmentId, integrationKey, connectionId, cancellationToken);
            if (found is null)
            {
                return connectionId;
            }

            var next = merge && found.Metadata is not null && JsonNode.Parse(found.Metadata) is JsonObject existing ? existing : [];
            if (!merge)
            {
                next = [];
            }

            foreach (var (key, value) in metadata)
            {
                next[key] = value?.DeepClone();
            }

            await connection.ExecuteAsync(new CommandDefinition(
                "UPDATE connections SET metadata = @metadata, updated_at = @now WHERE id = @Id",
                new { found.Id, metadata = next.ToJsonString(), now }, transaction, cancellationToken: cancellationToken));
            changed.Add(found.Id);
        }

        await transaction.CommitAsync(cancellationToken);
        changed.ForEach(id => changes.Report("connections", id));
        return null;
    }

    private static string EscapeLike(string text) =>
        text.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("%", "\\%", StringComparison.Ordinal).Replace("_", "\\_", StringComparison.Ordinal);
}

/// <summary>The filters of <c>GET /connections</c> (spec §4.6).</summary>
public sealed record ConnectionFilter(
    string? ConnectionId,
    string? Search,
    string? EndUserId,
    string? EndUserOrganizationId,
    IReadOnlyList<string>? IntegrationKeys,
    IReadOnlyDictionary<string, string> Tags,
    int Limit,
    int Page);
