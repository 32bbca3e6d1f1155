using System.Security.Cryptography;
using System.Text.Json;
using System.Text.Json.Nodes;
using Dapper;
using Latchkey.Server.Storage;
using Latchkey.Server.Vault;

namespace Latchkey.Server.OAuth;

/// <summary>
/// Flows awaiting their callback. <see cref="ConsumeAsync"/> deletes and returns the row in one statement, so the
/// state is used up before anything else happens: a replay or a second concurrent callback finds nothing.
/// </summary>
public sealed class OAuthSessionStore(Database database, SecretCodec codec, TokenHasher hasher, TimeProvider clock)
{
    public static readonly TimeSpan Lifetime = TimeSpan.FromMinutes(15);
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    /// <summary>Stores a flow; returns its state (256 random bits) and the browser binding for the cookie.</summary>
    public async Task<(string State, string Binding)> CreateAsync(OAuthFlow flow, CancellationToken cancellationToken, string? state = null)
    {
        state ??= NewState();
        var binding = NewSecret();
        var uid = Guid.NewGuid().ToString();
        var now = clock.GetUtcNow().ToUnixTimeMilliseconds();
        await using var connection = await database.OpenAsync(cancellationToken);
        await connection.ExecuteAsync(new CommandDefinition(
            """
            INSERT INTO oauth_sessions (uid, state_hash, browser_binding_hash, environment_id, integration_id, connection_id,
                connect_session_id, callback_url, connection_config, ownership, ws_client_id, secrets_sealed, expires_at, created_at, return_to)
            VALUES (@uid, @stateHash, @bindingHash, @EnvironmentId, @IntegrationId, @ConnectionId, @ConnectSessionId, @CallbackUrl,
                @config, @ownership, @WebSocketClientId, @secrets, @expiresAt, @now, @ReturnTo)
            """,
            new
            {
                uid,
                stateHash = hasher.Hash(state),
                bindingHash = hasher.Hash(binding),
                flow.EnvironmentId,
                flow.IntegrationId,
                flow.ConnectionId,
                flow.ConnectSessionId,
                flow.CallbackUrl,
                config = flow.ConnectionConfig.ToJsonString(),
                ownership = JsonSerializer.Serialize(flow.Ownership, Json),
                flow.WebSocketClientId,
                flow.ReturnTo,
                secrets = codec.Seal(JsonSerializer.Serialize(flow.Secrets, Json), Field(flow.EnvironmentId, uid)),
                expiresAt = flow.ExpiresAt.ToUnixTimeMilliseconds(),
                now,
            },
            cancellationToken: cancellationToken));
        return (state, binding);
    }

    /// <summary>Deletes the flow of a state and returns it (even when expired: the caller reports that), or null.</summary>
    public async Task<ConsumedFlow?> ConsumeAsync(string state, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        foreach (var hash in hasher.Candidates(state))
        {
            var row = await connection.QuerySingleOrDefaultAsync<Row>(new CommandDefinition(
                """
                DELETE FROM oauth_sessions WHERE state_hash = @hash
                RETURNING uid AS Uid, browser_binding_hash AS BrowserBindingHash, environment_id AS EnvironmentId,
                    integration_id AS IntegrationId, connection_id AS ConnectionId, connect_session_id AS ConnectSessionId,
                    callback_url AS CallbackUrl, connection_config AS ConnectionConfig, ownership AS Ownership,
                    ws_client_id AS WebSocketClientId, secrets_sealed AS SecretsSealed, expires_at AS ExpiresAt, return_to AS ReturnTo
                """,
                new { hash }, cancellationToken: cancellationToken));
            if (row is not null)
            {
                var secrets = JsonSerializer.Deserialize<FlowSecrets>(codec.Open(row.SecretsSealed, Field(row.EnvironmentId, row.Uid)), Json)!;
                var flow = new OAuthFlow(row.EnvironmentId, row.IntegrationId, row.ConnectionId, row.ConnectSessionId, row.CallbackUrl,
                    JsonNode.Parse(row.ConnectionConfig)!.AsObject(), JsonSerializer.Deserialize<FlowOwnership>(row.Ownership, Json)!,
                    row.WebSocketClientId, secrets, DateTimeOffset.FromUnixTimeMilliseconds(row.ExpiresAt), row.ReturnTo);
                return new ConsumedFlow(flow, row.BrowserBindingHash);
            }
        }

        return null;
    }

    /// <summary>True when the cookie's binding is the one the flow was started with (constant time).</summary>
    public bool MatchesBinding(ConsumedFlow consumed, string? binding) =>
        binding is not null && hasher.Candidates(binding).Any(candidate => CryptographicOperations.FixedTimeEquals(
            System.Text.Encoding.ASCII.GetBytes(candidate), System.Text.Encoding.ASCII.GetBytes(consumed.BrowserBindingHash)));

    public async Task<int> PurgeExpiredAsync(CancellationToken cancellationToken)
    {
        var cutoff = (clock.GetUtcNow() - TimeSpan.FromDays(1)).ToUnixTimeMilliseconds();
        await using var connection = await database.OpenAsync(cancellationToken);
        return await connection.ExecuteAsync(new CommandDefinition(
            "DELETE FROM oauth_sessions WHERE expires_at < @cutoff", new { cutoff }, cancellationToken: cancellationToken));
    }

    /// <summary>The cookie that binds a flow to the browser that started it; its name derives from the state.</summary>
    public static string CookieName(string state) =>
        "lk_oauth_" + Convert.ToHexStringLower(SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(state)).AsSpan(0, 8));

    private static SealedField Field(long environmentId, string uid) => new("oauth_sessions", "secrets_sealed", environmentId, uid);

    /// <summary>A state value: 256 random bits, URL-safe.</summary>
    public static string NewState() => NewSecret();

    private static string NewSecret() => Base64UrlToken(RandomNumberGenerator.GetBytes(32));

    private static string Base64UrlToken(byte[] bytes) => System.Buffers.Text.Base64Url.EncodeToString(bytes);

    private sealed record Row
    {
        public required string Uid { get; init; }

        public required string BrowserBindingHash { get; init; }

        public long EnvironmentId { get; init; }

        public long IntegrationId { get; init; }

        public required string ConnectionId { get; init; }

        public long? ConnectSessionId { get; init; }

        public required string CallbackUrl { get; init; }

        public required string ConnectionConfig { get; init; }

        public required string Ownership { get; init; }

        public string? WebSocketClientId { get; init; }

        public required string SecretsSealed { get; init; }

        public long ExpiresAt { get; init; }

        public string? ReturnTo { get; init; }
    }
}

/// <summary>A flow taken out of the store by its callback.</summary>
public sealed record ConsumedFlow(OAuthFlow Flow, string BrowserBindingHash);
