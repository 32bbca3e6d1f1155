using Latchkey.Server.Providers;
using Latchkey.Server.Vault;

namespace Latchkey.Server.Integrations;

/// <summary>
/// Latchkey as a client of one MCP server's authorization server, for one integration: the discovered endpoints and,
/// when Latchkey registered itself there, the registered client. The secret stays sealed here;
/// <see cref="McpClientStore.OpenSecret"/> opens it.
/// </summary>
public sealed record McpClient
{
    public long Id { get; init; }

    public required string Uid { get; init; }

    public long EnvironmentId { get; init; }

    public long IntegrationId { get; init; }

    public required string ServerUrl { get; init; }

    public required string Issuer { get; init; }

    public required string AuthorizationEndpoint { get; init; }

    public required string TokenEndpoint { get; init; }

    public required string Resource { get; init; }

    /// <summary>The callback URL the client was registered with; a new one needs a new registration.</summary>
    public required string RedirectUri { get; init; }

    /// <summary>Null when the integration's own client id is used (static registration).</summary>
    public string? ClientId { get; init; }

    public string? ClientSecretSealed { get; init; }

    public required string TokenEndpointAuthMethod { get; init; }

    public long? ClientSecretExpiresAt { get; init; }

    public long CreatedAt { get; init; }

    public long UpdatedAt { get; init; }

    public bool IsRegistered => ClientId is not null;

    public McpEndpoints Endpoints => new(AuthorizationEndpoint, TokenEndpoint, Resource, TokenEndpointAuthMethod);

    internal SealedField SecretField => new("mcp_clients", "client_secret_sealed", EnvironmentId, Uid);
}

/// <summary>What a flow start learned about an MCP server's authorization server, to be remembered.</summary>
public sealed record McpClientInput(
    long EnvironmentId,
    long IntegrationId,
    string ServerUrl,
    string Issuer,
    McpEndpoints Endpoints,
    string RedirectUri,
    string? ClientId,
    string? ClientSecret,
    DateTimeOffset? ClientSecretExpiresAt)
{
    public override string ToString() => $"McpClientInput {{ {ServerUrl}, {ClientId}, [secret redacted] }}";
}
