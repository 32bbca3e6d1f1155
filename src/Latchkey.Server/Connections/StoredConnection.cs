using System.Text.Json.Nodes;

namespace Latchkey.Server.Connections;

/// <summary>A connection row joined with its integration key and end user. Credentials stay sealed until asked for.</summary>
public sealed record StoredConnection
{
    public long Id { get; init; }

    public required string Uid { get; init; }

    public long EnvironmentId { get; init; }

    public long IntegrationId { get; init; }

    public required string ConnectionId { get; init; }

    public required string IntegrationKey { get; init; }

    public required string Provider { get; init; }

    public required string CredentialsSealed { get; init; }

    public long? CredentialsExpiresAt { get; init; }

    public string ConnectionConfig { get; init; } = "{}";

    public string? Metadata { get; init; }

    public string? Tags { get; init; }

    public string? WebhookUrlOverride { get; init; }

    public long? LastFetchedAt { get; init; }

    public long? LastRefreshSuccessAt { get; init; }

    public long? LastRefreshFailureAt { get; init; }

    public string? LastRefreshError { get; init; }

    public int RefreshAttempts { get; init; }

    public bool RefreshExhausted { get; init; }

    public long CreatedAt { get; init; }

    public long UpdatedAt { get; init; }

    public long? EndUserRef { get; init; }

    public string? EndUserId { get; init; }

    public string? EndUserEmail { get; init; }

    public string? EndUserDisplayName { get; init; }

    public string? EndUserOrganizationId { get; init; }

    public string? EndUserOrganizationDisplayName { get; init; }

    public string? EndUserTags { get; init; }

    public JsonObject ConnectionConfigObject() => JsonNode.Parse(ConnectionConfig) as JsonObject ?? [];

    public override string ToString() => $"Connection {ConnectionId} of {IntegrationKey} [credentials redacted]";
}
