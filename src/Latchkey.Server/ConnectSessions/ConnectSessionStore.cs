using System.Data.Common;
using System.Text.Json;
using System.Text.Json.Nodes;
using Dapper;
using Latchkey.Server.Storage;
using Latchkey.Server.Vault;

namespace Latchkey.Server.ConnectSessions;

/// <summary>The sessions table. Tokens are stored only as keyed hashes; the token itself is returned once, at creation.</summary>
public sealed class ConnectSessionStore(Database database, GroupCommit writes, TokenHasher hasher, TimeProvider clock)
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    public async Task<(ConnectSession Session, string Token)> CreateAsync(NewConnectSession input, CancellationToken cancellationToken)
    {
        var token = SessionTokens.New();
        var now = clock.GetUtcNow();
        var expiresAt = now + input.Lifetime;
        var terms = input.Terms;
        var row = new
        {
            input.EnvironmentId,
            TokenHash = hasher.Hash(token),
            EndUser = ToJson(terms.EndUser),
            Organization = ToJson(terms.Organization),
            AllowedIntegrations = ToJson(terms.AllowedIntegrations),
            IntegrationsConfigDefaults = terms.IntegrationsConfigDefaults?.ToJsonString(),
            Overrides = terms.Overrides?.ToJsonString(),
            terms.WebhookUrlOverride,
            Tags = ToJson(terms.Tags),
            input.ReconnectConnectionRef,
            ExpiresAt = expiresAt.ToUnixTimeMilliseconds(),
            CreatedAt = now.ToUnixTimeMilliseconds(),
        };

        // The hottest write: concurrent creations share one commit (GroupCommit).
        var id = await writes.RunAsync(scope => scope.Connection.ExecuteScalarAsync<long>(new CommandDefinition(
            """
            INSERT INTO connect_sessions (environment_id, token_hash, end_user, organization, allowed_integrations,
                integrations_config_defaults, overrides, webhook_url_override, tags, reconnect_connection_ref, expires_at, created_at)
            VALUES (@EnvironmentId, @TokenHash, @EndUser, @Organization, @AllowedIntegrations,
                @IntegrationsConfigDefaults, @Overrides, @WebhookUrlOverride, @Tags, @ReconnectConnectionRef, @ExpiresAt, @CreatedAt)
            RETURNING id
            """,
            row, scope.Transaction, cancellationToken: scope.CancellationToken)), cancellationToken);

        var session = new ConnectSession(id, input.EnvironmentId, terms, input.ReconnectConnectionRef, expiresAt);
        return (session, token);
    }

    /// <summary>The live session of a token, or null when unknown, expired or deleted.</summary>
    public async Task<ConnectSession?> FindByTokenAsync(string token, CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow().ToUnixTimeMilliseconds();
        await using var connection = await database.OpenAsync(cancellationToken);
        foreach (var hash in hasher.Candidates(token))
        {
            var row = await connection.QuerySingleOrDefaultAsync<Row>(new CommandDefinition(
                """
                SELECT id AS Id, environment_id AS EnvironmentId, end_user AS EndUser, organization AS Organization,
                    allowed_integrations AS AllowedIntegrations, integrations_config_defaults AS IntegrationsConfigDefaults,
                    overrides AS Overrides, webhook_url_override AS WebhookUrlOverride, tags AS Tags,
                    reconnect_connection_ref AS ReconnectConnectionRef, expires_at AS ExpiresAt, connections_created AS ConnectionsCreated
                FROM connect_sessions WHERE token_hash = @hash AND expires_at > @now
                """,
                new { hash, now }, cancellationToken: cancellationToken));
            if (row is not null)
            {
                return row.ToSession();
            }
        }

        return null;
    }

    /// <summary>
    /// Counts a connection created with the session, inside the transaction that creates it, so concurrent creations
    /// cannot pass the cap together (the row stays locked by the counting update until commit). False when the session has created
    /// <paramref name="max"/> already; true when the session is gone (a flow may finish after its session was deleted,
    /// and it was counted against the cap when it started).
    /// </summary>
    public static async Task<bool> TryCountConnectionAsync(DbConnection connection, DbTransaction transaction, long sessionId, int max, CancellationToken cancellationToken)
    {
        var counted = await connection.ExecuteAsync(new CommandDefinition(
            "UPDATE connect_sessions SET connections_created = connections_created + 1 WHERE id = @sessionId AND connections_created < @max",
            new { sessionId, max }, transaction, cancellationToken: cancellationToken));
        return counted == 1 || await connection.ExecuteScalarAsync<long>(new CommandDefinition(
            "SELECT COUNT(*) FROM connect_sessions WHERE id = @sessionId", new { sessionId }, transaction, cancellationToken: cancellationToken)) == 0;
    }

    public async Task DeleteAsync(long sessionId, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        await connection.ExecuteAsync(new CommandDefinition(
            "DELETE FROM connect_sessions WHERE id = @sessionId", new { sessionId }, cancellationToken: cancellationToken));
    }

    /// <summary>Deletes sessions that expired more than a day ago (kept a day for support questions).</summary>
    public async Task<int> PurgeExpiredAsync(CancellationToken cancellationToken)
    {
        var cutoff = (clock.GetUtcNow() - TimeSpan.FromDays(1)).ToUnixTimeMilliseconds();
        await using var connection = await database.OpenAsync(cancellationToken);
        return await connection.ExecuteAsync(new CommandDefinition(
            "DELETE FROM connect_sessions WHERE expires_at < @cutoff", new { cutoff }, cancellationToken: cancellationToken));
    }

    private static string? ToJson<T>(T? value) => value is null ? null : JsonSerializer.Serialize(value, Json);

    private static T? FromJson<T>(string? json) => json is null ? default : JsonSerializer.Deserialize<T>(json, Json);

    private sealed record Row
    {
        public long Id { get; init; }

        public long EnvironmentId { get; init; }

        public string? EndUser { get; init; }

        public string? Organization { get; init; }

        public string? AllowedIntegrations { get; init; }

        public string? IntegrationsConfigDefaults { get; init; }

        public string? Overrides { get; init; }

        public string? WebhookUrlOverride { get; init; }

        public string? Tags { get; init; }

        public long? ReconnectConnectionRef { get; init; }

        public long ExpiresAt { get; init; }

        public int ConnectionsCreated { get; init; }

        public ConnectSession ToSession() => new(
            Id,
            EnvironmentId,
            new SessionTerms(
                FromJson<EndUserProfile>(EndUser),
                FromJson<OrganizationProfile>(Organization),
                FromJson<string[]>(AllowedIntegrations),
                IntegrationsConfigDefaults is null ? null : JsonNode.Parse(IntegrationsConfigDefaults)!.AsObject(),
                Overrides is null ? null : JsonNode.Parse(Overrides)!.AsObject(),
                WebhookUrlOverride,
                FromJson<Dictionary<string, string>>(Tags)),
            ReconnectConnectionRef,
            DateTimeOffset.FromUnixTimeMilliseconds(ExpiresAt))
        {
            ConnectionsCreated = ConnectionsCreated,
        };
    }
}

/// <summary>What creating a session needs; validated by the endpoint before it gets here.</summary>
public sealed record NewConnectSession(long EnvironmentId, SessionTerms Terms, long? ReconnectConnectionRef, TimeSpan Lifetime);
