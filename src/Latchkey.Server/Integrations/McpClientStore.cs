using Dapper;
using Latchkey.Server.Storage;
using Latchkey.Server.Vault;

namespace Latchkey.Server.Integrations;

/// <summary>The mcp_clients table: how Latchkey reaches each MCP server's authorization server, per integration.</summary>
public sealed class McpClientStore(Database database, SecretCodec codec, TimeProvider clock)
{
    private const string Columns = """
        id AS Id, uid AS Uid, environment_id AS EnvironmentId, integration_id AS IntegrationId, server_url AS ServerUrl, issuer AS Issuer,
        authorization_endpoint AS AuthorizationEndpoint, token_endpoint AS TokenEndpoint, resource AS Resource, redirect_uri AS RedirectUri,
        client_id AS ClientId, client_secret_sealed AS ClientSecretSealed, token_endpoint_auth_method AS TokenEndpointAuthMethod,
        client_secret_expires_at AS ClientSecretExpiresAt, created_at AS CreatedAt, updated_at AS UpdatedAt
        """;

    public async Task<McpClient?> FindAsync(long integrationId, string serverUrl, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        return await connection.QuerySingleOrDefaultAsync<McpClient>(new CommandDefinition(
            $"SELECT {Columns} FROM mcp_clients WHERE integration_id = @integrationId AND server_url = @serverUrl",
            new { integrationId, serverUrl }, cancellationToken: cancellationToken));
    }

    /// <summary>
    /// Remembers a server's client. A first one is inserted unless a concurrent flow stored one first, and then that
    /// one is returned (the spare registration is simply not used); a known one is replaced in place.
    /// </summary>
    public async Task<McpClient> SaveAsync(McpClientInput input, McpClient? existing, CancellationToken cancellationToken)
    {
        // A new uid on every write: the secret is sealed for its row uid, so a replaced secret never opens as the old row.
        var uid = Guid.NewGuid().ToString();
        var now = clock.GetUtcNow().ToUnixTimeMilliseconds();
        var secret = string.IsNullOrEmpty(input.ClientSecret) ? null
            : codec.Seal(input.ClientSecret, new SealedField("mcp_clients", "client_secret_sealed", input.EnvironmentId, uid));
        var values = new
        {
            uid, input.EnvironmentId, input.IntegrationId, input.ServerUrl, input.Issuer, input.Endpoints.AuthorizationEndpoint,
            input.Endpoints.TokenEndpoint, input.Endpoints.Resource, input.RedirectUri, input.ClientId, secret,
            input.Endpoints.TokenEndpointAuthMethod, expiresAt = input.ClientSecretExpiresAt?.ToUnixTimeMilliseconds(), now, id = existing?.Id,
        };
        await using (var connection = await database.OpenAsync(cancellationToken))
        {
            await connection.ExecuteAsync(new CommandDefinition(
                existing is null
                    ? """
                      INSERT INTO mcp_clients (uid, environment_id, integration_id, server_url, issuer, authorization_endpoint, token_endpoint, resource,
                          redirect_uri, client_id, client_secret_sealed, token_endpoint_auth_method, client_secret_expires_at, created_at, updated_at)
                      VALUES (@uid, @EnvironmentId, @IntegrationId, @ServerUrl, @Issuer, @AuthorizationEndpoint, @TokenEndpoint, @Resource,
                          @RedirectUri, @ClientId, @secret, @TokenEndpointAuthMethod, @expiresAt, @now, @now)
                      ON CONFLICT (integration_id, server_url) DO NOTHING
                      """
                    : """
                      UPDATE mcp_clients SET uid = @uid, issuer = @Issuer, authorization_endpoint = @AuthorizationEndpoint, token_endpoint = @TokenEndpoint,
                          resource = @Resource, redirect_uri = @RedirectUri, client_id = @ClientId, client_secret_sealed = @secret,
                          token_endpoint_auth_method = @TokenEndpointAuthMethod, client_secret_expires_at = @expiresAt, updated_at = @now
                      WHERE id = @id
                      """,
                values, cancellationToken: cancellationToken));
        }

        return await FindAsync(input.IntegrationId, input.ServerUrl, cancellationToken)
            ?? throw new InvalidOperationException("An MCP client row vanished right after it was written.");
    }

    /// <summary>The registered client secret, opened; null for a public client or the integration's own client.</summary>
    public string? OpenSecret(McpClient client) =>
        client.ClientSecretSealed is null ? null : codec.Open(client.ClientSecretSealed, client.SecretField);
}
