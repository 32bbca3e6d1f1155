using System.Data.Common;
using System.Text.Json;
using System.Text.Json.Nodes;
using Dapper;
using Latchkey.Server.Storage;
using Latchkey.Server.Vault;

namespace Latchkey.Server.Environments;

/// <summary>Reads and writes accounts and environments. Secret keys are kept as a lookup hash plus a sealed copy.</summary>
public sealed class EnvironmentStore(Database database, SecretCodec codec, TokenHasher hasher, TimeProvider clock)
{
    private const string Columns =
        "id AS Id, uid AS Uid, account_id AS AccountId, name AS Name, public_key AS PublicKey, callback_url AS CallbackUrl, connection_limit AS ConnectionLimit";

    public async Task<EnvironmentRecord?> FindBySecretKeyAsync(string secretKey, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        foreach (var hash in hasher.Candidates(secretKey))
        {
            var found = await connection.QuerySingleOrDefaultAsync<EnvironmentRecord>(new CommandDefinition(
                $"SELECT {Columns} FROM environments WHERE secret_key_hash = @hash", new { hash }, cancellationToken: cancellationToken));
            if (found is not null)
            {
                return found;
            }
        }

        return null;
    }

    public async Task<EnvironmentRecord?> FindByPublicKeyAsync(string publicKey, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        return await connection.QuerySingleOrDefaultAsync<EnvironmentRecord>(new CommandDefinition(
            $"SELECT {Columns} FROM environments WHERE public_key = @publicKey", new { publicKey = publicKey.ToLowerInvariant() }, cancellationToken: cancellationToken));
    }

    public async Task<EnvironmentRecord?> GetAsync(long id, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        return await connection.QuerySingleOrDefaultAsync<EnvironmentRecord>(new CommandDefinition(
            $"SELECT {Columns} FROM environments WHERE id = @id", new { id }, cancellationToken: cancellationToken));
    }

    public async Task<IReadOnlyList<EnvironmentRecord>> ListAsync(CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        return (await connection.QueryAsync<EnvironmentRecord>(new CommandDefinition(
            $"SELECT {Columns} FROM environments ORDER BY id", cancellationToken: cancellationToken))).AsList();
    }

    public async Task<bool> AnyAccountAsync(CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        return await connection.ExecuteScalarAsync<long>(new CommandDefinition("SELECT COUNT(*) FROM accounts", cancellationToken: cancellationToken)) > 0;
    }

    /// <summary>Creates the account and its environments in one transaction: a crash leaves nothing half-made.</summary>
    public async Task CreateAccountAsync(string name, IReadOnlyList<(string Name, string SecretKey)> environments, CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow().ToUnixTimeMilliseconds();
        await using var connection = await database.OpenAsync(cancellationToken);
        await using var transaction = await Database.BeginWriteAsync(connection, cancellationToken);
        var accountId = await connection.ExecuteScalarAsync<long>(new CommandDefinition(
            "INSERT INTO accounts (uid, name, created_at) VALUES (@uid, @name, @now) RETURNING id",
            new { uid = Guid.NewGuid().ToString(), name, now }, transaction, cancellationToken: cancellationToken));
        foreach (var (environmentName, secretKey) in environments)
        {
            var uid = Guid.NewGuid().ToString();
            var id = await connection.ExecuteScalarAsync<long>(new CommandDefinition(
                """
                INSERT INTO environments (uid, account_id, name, public_key, secret_key_hash, secret_key_sealed, created_at, updated_at)
                VALUES (@uid, @accountId, @environmentName, @publicKey, @hash, '', @now, @now) RETURNING id
                """,
                new { uid, accountId, environmentName, publicKey = KeyFormats.NewPublicKey(), hash = hasher.Hash(secretKey), now },
                transaction, cancellationToken: cancellationToken));
            await connection.ExecuteAsync(new CommandDefinition(
                "UPDATE environments SET secret_key_sealed = @sealed WHERE id = @id",
                new { id, @sealed = codec.Seal(secretKey, SecretKeyField(id, uid)) }, transaction, cancellationToken: cancellationToken));
        }

        await transaction.CommitAsync(cancellationToken);
    }

    public async Task SetSecretKeyAsync(long environmentId, string secretKey, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        var uid = await connection.ExecuteScalarAsync<string>(new CommandDefinition(
            "SELECT uid FROM environments WHERE id = @environmentId", new { environmentId }, cancellationToken: cancellationToken))
            ?? throw new InvalidOperationException($"Environment {environmentId} does not exist.");
        await connection.ExecuteAsync(new CommandDefinition(
            "UPDATE environments SET secret_key_hash = @hash, secret_key_sealed = @sealed, updated_at = @now WHERE id = @environmentId",
            new
            {
                environmentId,
                hash = hasher.Hash(secretKey),
                @sealed = codec.Seal(secretKey, SecretKeyField(environmentId, uid)),
                now = clock.GetUtcNow().ToUnixTimeMilliseconds(),
            },
            cancellationToken: cancellationToken));
    }

    public async Task<string> RevealSecretKeyAsync(long environmentId, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        var row = await connection.QuerySingleAsync<(string Uid, string Sealed)>(new CommandDefinition(
            "SELECT uid, secret_key_sealed FROM environments WHERE id = @environmentId", new { environmentId }, cancellationToken: cancellationToken));
        return codec.Open(row.Sealed, SecretKeyField(environmentId, row.Uid));
    }

    public async Task<EnvironmentSettings> GetSettingsAsync(long environmentId, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        var row = await connection.QuerySingleOrDefaultAsync<SettingsRow>(new CommandDefinition(
            "SELECT connect_ui_settings AS ConnectUi, allowed_origins AS AllowedOrigins, webhook_settings AS Webhooks FROM environments WHERE id = @environmentId",
            new { environmentId }, cancellationToken: cancellationToken));
        return new EnvironmentSettings(
            row?.ConnectUi is { } ui ? JsonNode.Parse(ui)!.AsObject() : EnvironmentSettings.DefaultConnectUi(),
            row?.AllowedOrigins is { } origins ? JsonSerializer.Deserialize<string[]>(origins) ?? [] : [],
            row?.Webhooks is { } webhooks ? JsonSerializer.Deserialize<WebhookSettings>(webhooks, SettingsJson) ?? new WebhookSettings() : new WebhookSettings());
    }

    public async Task SaveSettingsAsync(long environmentId, EnvironmentSettings settings, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        await connection.ExecuteAsync(new CommandDefinition(
            "UPDATE environments SET connect_ui_settings = @ui, allowed_origins = @origins, webhook_settings = @webhooks, updated_at = @now WHERE id = @environmentId",
            new
            {
                environmentId,
                ui = settings.ConnectUi.ToJsonString(),
                origins = JsonSerializer.Serialize(settings.AllowedOrigins),
                webhooks = JsonSerializer.Serialize(settings.Webhooks, SettingsJson),
                now = clock.GetUtcNow().ToUnixTimeMilliseconds(),
            },
            cancellationToken: cancellationToken));
    }

    /// <summary>Every environment's allowed origins together (the Connect UI is served before it knows its environment).</summary>
    public async Task<IReadOnlyList<string>> AllAllowedOriginsAsync(CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        var rows = await connection.QueryAsync<string>(new CommandDefinition(
            "SELECT allowed_origins FROM environments WHERE allowed_origins IS NOT NULL", cancellationToken: cancellationToken));
        return rows.SelectMany(row => JsonSerializer.Deserialize<string[]>(row) ?? []).Distinct(StringComparer.Ordinal).ToArray();
    }

    public static SealedField SecretKeyField(long environmentId, string uid) => new("environments", "secret_key_sealed", environmentId, uid);

    /// <summary>The environment's own callback URL and connection limit (null clears each).</summary>
    public async Task SaveProfileAsync(long environmentId, string? callbackUrl, int? connectionLimit, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        await connection.ExecuteAsync(new CommandDefinition(
            "UPDATE environments SET callback_url = @callbackUrl, connection_limit = @connectionLimit, updated_at = @now WHERE id = @environmentId",
            new { environmentId, callbackUrl, connectionLimit, now = clock.GetUtcNow().ToUnixTimeMilliseconds() }, cancellationToken: cancellationToken));
    }

    /// <summary>Sets a separate webhook signing key, or clears it (null) so the secret key signs again (spec §7.3).</summary>
    public async Task SetWebhookSigningKeyAsync(long environmentId, string? signingKey, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        var uid = await connection.ExecuteScalarAsync<string>(new CommandDefinition(
            "SELECT uid FROM environments WHERE id = @environmentId", new { environmentId }, cancellationToken: cancellationToken))
            ?? throw new InvalidOperationException($"Environment {environmentId} does not exist.");
        await connection.ExecuteAsync(new CommandDefinition(
            "UPDATE environments SET webhook_signing_key_sealed = @sealed, updated_at = @now WHERE id = @environmentId",
            new
            {
                environmentId,
                @sealed = signingKey is null ? null : codec.Seal(signingKey, SigningKeyField(environmentId, uid)),
                now = clock.GetUtcNow().ToUnixTimeMilliseconds(),
            },
            cancellationToken: cancellationToken));
    }

    public async Task<bool> HasSeparateSigningKeyAsync(long environmentId, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        return await connection.ExecuteScalarAsync<string?>(new CommandDefinition(
            "SELECT webhook_signing_key_sealed FROM environments WHERE id = @environmentId", new { environmentId }, cancellationToken: cancellationToken)) is not null;
    }

    /// <summary>The key that signs auth webhooks: the separate one when set, else the secret key (spec §7.3).</summary>
    public async Task<string> RevealWebhookSigningKeyAsync(long environmentId, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        var row = await connection.QuerySingleAsync<(string Uid, string? Sealed)>(new CommandDefinition(
            "SELECT uid, webhook_signing_key_sealed FROM environments WHERE id = @environmentId", new { environmentId }, cancellationToken: cancellationToken));
        return row.Sealed is null
            ? await RevealSecretKeyAsync(environmentId, cancellationToken)
            : codec.Open(row.Sealed, SigningKeyField(environmentId, row.Uid));
    }

    /// <summary>
    /// The environment's name and webhook settings read inside a caller's transaction (the auth webhook outbox decides
    /// its targets in the same transaction as the connection change).
    /// </summary>
    public static async Task<(string Name, WebhookSettings Webhooks)> ReadWebhookSettingsAsync(
        DbConnection connection, DbTransaction transaction, long environmentId, CancellationToken cancellationToken)
    {
        var row = await connection.QuerySingleAsync<(string Name, string? Webhooks)>(new CommandDefinition(
            "SELECT name, webhook_settings FROM environments WHERE id = @environmentId", new { environmentId }, transaction, cancellationToken: cancellationToken));
        return (row.Name, row.Webhooks is { } json ? JsonSerializer.Deserialize<WebhookSettings>(json, SettingsJson) ?? new WebhookSettings() : new WebhookSettings());
    }

    private static SealedField SigningKeyField(long environmentId, string uid) => new("environments", "webhook_signing_key_sealed", environmentId, uid);

    private static readonly JsonSerializerOptions SettingsJson = new(JsonSerializerDefaults.Web) { PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower };

    private sealed record SettingsRow
    {
        public string? ConnectUi { get; init; }

        public string? AllowedOrigins { get; init; }

        public string? Webhooks { get; init; }
    }
}
