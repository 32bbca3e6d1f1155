using System.Data.Common;
using System.Text.Json.Nodes;
using Dapper;
using Latchkey.Server.Connections;
using Latchkey.Server.Storage;
using Latchkey.Server.Vault;

namespace Latchkey.Server.Integrations;

/// <summary>The integrations table.</summary>
public sealed class IntegrationStore(Database database, SecretCodec codec, TimeProvider clock, ConnectionStore connections, RowChanges changes)
{
    private const string Columns = """
        id AS Id, uid AS Uid, environment_id AS EnvironmentId, unique_key AS UniqueKey, provider AS Provider,
        display_name AS DisplayName, client_id AS ClientId, client_secret_sealed AS ClientSecretSealed, scopes AS Scopes,
        webhook_secret_sealed AS WebhookSecretSealed, app_id AS AppId, app_link AS AppLink, private_key_sealed AS PrivateKeySealed,
        config_sealed AS ConfigSealed, forward_webhooks AS ForwardWebhooks, created_at AS CreatedAt, updated_at AS UpdatedAt
        """;

    public async Task<Integration?> FindAsync(long environmentId, string uniqueKey, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        return await FindAsync(connection, environmentId, uniqueKey, cancellationToken);
    }

    public static Task<Integration?> FindAsync(DbConnection connection, long environmentId, string uniqueKey, CancellationToken cancellationToken) =>
        connection.QuerySingleOrDefaultAsync<Integration>(new CommandDefinition(
            $"SELECT {Columns} FROM integrations WHERE environment_id = @environmentId AND unique_key = @uniqueKey",
            new { environmentId, uniqueKey }, cancellationToken: cancellationToken));

    public async Task<Integration?> GetAsync(long id, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        return await connection.QuerySingleOrDefaultAsync<Integration>(new CommandDefinition(
            $"SELECT {Columns} FROM integrations WHERE id = @id", new { id }, cancellationToken: cancellationToken));
    }

    /// <summary>Ordered by provider name, then creation (spec §4.7).</summary>
    public async Task<IReadOnlyList<Integration>> ListAsync(long environmentId, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        return (await connection.QueryAsync<Integration>(new CommandDefinition(
            $"SELECT {Columns} FROM integrations WHERE environment_id = @environmentId ORDER BY provider, created_at, id",
            new { environmentId }, cancellationToken: cancellationToken))).AsList();
    }

    /// <summary>Inserts; returns null when the key is taken (the unique index decides, not a racy pre-check).</summary>
    public async Task<Integration?> CreateAsync(long environmentId, IntegrationInput input, CancellationToken cancellationToken)
    {
        var uid = Guid.NewGuid().ToString();
        var now = clock.GetUtcNow().ToUnixTimeMilliseconds();
        var draft = new Integration { Uid = uid, EnvironmentId = environmentId, UniqueKey = input.UniqueKey!, Provider = input.Provider! };
        var sealedValues = Seal(draft, input);
        await using var connection = await database.OpenAsync(cancellationToken);
        var id = await connection.ExecuteScalarAsync<long?>(new CommandDefinition(
            """
            INSERT INTO integrations (uid, environment_id, unique_key, provider, display_name, client_id, client_secret_sealed, scopes,
                webhook_secret_sealed, app_id, app_link, private_key_sealed, config_sealed, forward_webhooks, created_at, updated_at)
            VALUES (@uid, @environmentId, @UniqueKey, @Provider, @DisplayName, @ClientId, @ClientSecret, @Scopes,
                @WebhookSecret, @AppId, @AppLink, @PrivateKey, @Config, @Forward, @now, @now)
            ON CONFLICT (environment_id, unique_key) DO NOTHING
            RETURNING id
            """,
            new
            {
                uid, environmentId, input.UniqueKey, input.Provider, input.DisplayName, input.Credentials?.ClientId,
                sealedValues.ClientSecret, input.Credentials?.Scopes, sealedValues.WebhookSecret, input.Credentials?.AppId,
                input.Credentials?.AppLink, sealedValues.PrivateKey, sealedValues.Config, Forward = (input.ForwardWebhooks ?? true) ? 1 : 0, now,
            },
            cancellationToken: cancellationToken));
        return id is null ? null : await GetAsync(id.Value, cancellationToken);
    }

    /// <summary>Applies the fields present in <paramref name="input"/>; returns false when a rename hits a taken key.</summary>
    public async Task<bool> UpdateAsync(Integration current, IntegrationInput input, CancellationToken cancellationToken)
    {
        var sealedValues = Seal(current, input);
        var credentials = input.Credentials;
        await using var connection = await database.OpenAsync(cancellationToken);
        try
        {
            await connection.ExecuteAsync(new CommandDefinition(
                """
                UPDATE integrations SET unique_key = @UniqueKey, display_name = @DisplayName, forward_webhooks = @Forward,
                    client_id = @ClientId, client_secret_sealed = @ClientSecret, scopes = @Scopes, webhook_secret_sealed = @WebhookSecret,
                    app_id = @AppId, app_link = @AppLink, private_key_sealed = @PrivateKey, config_sealed = @Config, updated_at = @now
                WHERE id = @Id
                """,
                new
                {
                    current.Id,
                    UniqueKey = input.UniqueKey ?? current.UniqueKey,
                    DisplayName = input.DisplayName ?? current.DisplayName,
                    Forward = (input.ForwardWebhooks ?? current.ForwardWebhooks) ? 1 : 0,
                    ClientId = credentials is null ? current.ClientId : credentials.ClientId,
                    ClientSecret = credentials is null ? current.ClientSecretSealed : sealedValues.ClientSecret,
                    Scopes = credentials is null ? current.Scopes : credentials.Scopes,
                    WebhookSecret = credentials is null ? current.WebhookSecretSealed : sealedValues.WebhookSecret,
                    AppId = credentials is null ? current.AppId : credentials.AppId,
                    AppLink = credentials is null ? current.AppLink : credentials.AppLink,
                    PrivateKey = credentials is null ? current.PrivateKeySealed : sealedValues.PrivateKey,
                    Config = input.IntegrationConfig is null && input.Custom is null ? current.ConfigSealed : sealedValues.Config,
                    now = clock.GetUtcNow().ToUnixTimeMilliseconds(),
                },
                cancellationToken: cancellationToken));
            changes.Report("integrations", current.Id);
            return true;
        }
        catch (DbException exception) when (IsUniqueViolation(exception))
        {
            return false;
        }
    }

    public async Task DeleteAsync(Integration integration, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        await using var transaction = await Database.BeginWriteAsync(connection, cancellationToken);
        // Its connections go with it (soft-deleted by their owner, like a connection deleted by hand), in one transaction.
        await connections.SoftDeleteOfIntegrationAsync(connection, transaction, integration.Id, cancellationToken);
        await connection.ExecuteAsync(new CommandDefinition(
            "DELETE FROM mcp_clients WHERE integration_id = @Id", new { integration.Id }, transaction, cancellationToken: cancellationToken));
        await connection.ExecuteAsync(new CommandDefinition(
            "DELETE FROM integrations WHERE id = @Id", new { integration.Id }, transaction, cancellationToken: cancellationToken));
        await transaction.CommitAsync(cancellationToken);
        changes.Report("integrations", integration.Id);
    }

    /// <summary>The integration's secrets, opened (client secret, webhook secret, private key, config).</summary>
    public IntegrationSecrets OpenSecrets(Integration integration) => new(
        Open(integration, integration.ClientSecretSealed, "client_secret_sealed"),
        Open(integration, integration.WebhookSecretSealed, "webhook_secret_sealed"),
        Open(integration, integration.PrivateKeySealed, "private_key_sealed"),
        Open(integration, integration.ConfigSealed, "config_sealed") is { } config ? JsonNode.Parse(config)!.AsObject() : null);

    private string? Open(Integration integration, string? sealedValue, string column) =>
        sealedValue is null ? null : codec.Open(sealedValue, integration.Field(column));

    private (string? ClientSecret, string? WebhookSecret, string? PrivateKey, string? Config) Seal(Integration row, IntegrationInput input)
    {
        string? SealOrNull(string? value, string column) => string.IsNullOrEmpty(value) ? null : codec.Seal(value, row.Field(column));

        string? config = null;
        if (input.IntegrationConfig is not null || input.Custom is not null)
        {
            var existing = row.ConfigSealed is null ? null : OpenSecrets(row).Config;
            var merged = new JsonObject
            {
                ["integration_config"] = (input.IntegrationConfig ?? existing?["integration_config"])?.DeepClone(),
                ["custom"] = (input.Custom ?? existing?["custom"])?.DeepClone(),
            };
            config = codec.Seal(merged.ToJsonString(), row.Field("config_sealed"));
        }

        var credentials = input.Credentials;
        return (
            SealOrNull(credentials?.ClientSecret, "client_secret_sealed"),
            SealOrNull(credentials?.WebhookSecret, "webhook_secret_sealed"),
            SealOrNull(credentials?.PrivateKey, "private_key_sealed"),
            config);
    }

    private static bool IsUniqueViolation(DbException exception) =>
        exception.SqlState == "23505" || exception.Message.Contains("UNIQUE constraint failed", StringComparison.Ordinal);
}

/// <summary>Validated create/update input; null fields are "not given".</summary>
public sealed record IntegrationInput(
    string? UniqueKey,
    string? Provider,
    string? DisplayName,
    bool? ForwardWebhooks,
    IntegrationCredentialsInput? Credentials,
    JsonObject? IntegrationConfig,
    JsonObject? Custom);

public sealed record IntegrationCredentialsInput(
    string Type,
    string? ClientId,
    string? ClientSecret,
    string? Scopes,
    string? WebhookSecret,
    string? AppId,
    string? AppLink,
    string? PrivateKey)
{
    public override string ToString() => $"IntegrationCredentialsInput {{ Type = {Type}, ClientId = {ClientId}, [secrets redacted] }}";
}
