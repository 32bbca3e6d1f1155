using System.Text.Json.Nodes;
using System.Text.Json.Serialization;

namespace Latchkey.Client;

/// <summary>A connection as <c>GET /connections/:id</c> returns it, with its credentials opened.</summary>
public sealed record Connection
{
    /// <summary>The server's numeric id of the connection.</summary>
    public long Id { get; init; }

    /// <summary>The connection id (server-generated UUID unless you chose one).</summary>
    public required string ConnectionId { get; init; }

    /// <summary>The integration key the connection belongs to.</summary>
    public required string ProviderConfigKey { get; init; }

    /// <summary>The provider name of that integration.</summary>
    public required string Provider { get; init; }

    /// <summary>Active error notices (a failed refresh shows up here).</summary>
    public IReadOnlyList<ConnectionError> Errors { get; init; } = [];

    /// <summary>The user who made the connection, when it was made through a session with an end user.</summary>
    public ConnectionEndUser? EndUser { get; init; }

    /// <summary>The connection's tags.</summary>
    public IReadOnlyDictionary<string, string> Tags { get; init; } = new Dictionary<string, string>();

    /// <summary>Your metadata, or null.</summary>
    public JsonObject? Metadata { get; init; }

    /// <summary>Connection configuration (subdomain, instance URL, granted scopes…).</summary>
    public JsonObject ConnectionConfig { get; init; } = [];

    /// <summary>The connection's webhook URL override, or null.</summary>
    public string? WebhookUrlOverride { get; init; }

    /// <summary>When the connection was created.</summary>
    public DateTimeOffset CreatedAt { get; init; }

    /// <summary>When the connection was last changed.</summary>
    public DateTimeOffset UpdatedAt { get; init; }

    /// <summary>When the credentials were last read.</summary>
    public DateTimeOffset? LastFetchedAt { get; init; }

    /// <summary>The credentials, typed by their <c>type</c>; their <see cref="ConnectionCredentials.Json"/> has every field.</summary>
    [JsonConverter(typeof(CredentialsJsonConverter))]
    public ConnectionCredentials Credentials { get; init; } = new NoCredentials([]);
}

/// <summary>A connection as <c>GET /connections</c> lists it (no credentials).</summary>
public sealed record ConnectionSummary
{
    /// <summary>The server's numeric id of the connection.</summary>
    public long Id { get; init; }

    /// <summary>The connection id.</summary>
    public required string ConnectionId { get; init; }

    /// <summary>The integration key.</summary>
    public required string ProviderConfigKey { get; init; }

    /// <summary>The provider name.</summary>
    public required string Provider { get; init; }

    /// <summary>Active error notices.</summary>
    public IReadOnlyList<ConnectionError> Errors { get; init; } = [];

    /// <summary>The user who made the connection, or null.</summary>
    public ConnectionEndUser? EndUser { get; init; }

    /// <summary>The connection's tags.</summary>
    public IReadOnlyDictionary<string, string> Tags { get; init; } = new Dictionary<string, string>();

    /// <summary>Your metadata, or null.</summary>
    public JsonObject? Metadata { get; init; }

    /// <summary>When the connection was created.</summary>
    public DateTimeOffset Created { get; init; }
}

/// <summary>An error notice on a connection.</summary>
/// <param name="Type"><c>auth</c> (credentials failed to refresh) or <c>sync</c>.</param>
/// <param name="LogId">What the server recorded about it.</param>
public sealed record ConnectionError(string Type, string? LogId);

/// <summary>The end user stored with a connection.</summary>
public sealed record ConnectionEndUser
{
    /// <summary>Your id for the user.</summary>
    public required string Id { get; init; }

    /// <summary>The user's name.</summary>
    public string? DisplayName { get; init; }

    /// <summary>The user's e-mail address.</summary>
    public string? Email { get; init; }

    /// <summary>The user's tags.</summary>
    public IReadOnlyDictionary<string, string>? Tags { get; init; }

    /// <summary>The user's organization.</summary>
    public ConnectionOrganization? Organization { get; init; }
}

/// <summary>The organization stored with a connection's end user.</summary>
/// <param name="Id">Your id for the organization.</param>
/// <param name="DisplayName">Its name.</param>
public sealed record ConnectionOrganization(string Id, string? DisplayName);

/// <summary>Options of <see cref="LatchkeyClient.GetConnectionAsync"/>.</summary>
public sealed record GetConnectionOptions
{
    /// <summary>Refresh the credentials now even when they are fresh.</summary>
    public bool ForceRefresh { get; init; }

    /// <summary>Include refresh tokens in the credentials (they are stripped otherwise).</summary>
    public bool RefreshToken { get; init; }
}

/// <summary>Filters of <see cref="LatchkeyClient.ListConnectionsAsync"/>; every one is optional and they combine.</summary>
public sealed record ListConnectionsQuery
{
    /// <summary>Only this connection id.</summary>
    public string? ConnectionId { get; init; }

    /// <summary>Case-insensitive substring of the connection id, end-user name or e-mail.</summary>
    public string? Search { get; init; }

    /// <summary>Only connections of this end user.</summary>
    public string? EndUserId { get; init; }

    /// <summary>Only connections of this end user's organization.</summary>
    public string? EndUserOrganizationId { get; init; }

    /// <summary>Only connections of these integrations.</summary>
    public IReadOnlyList<string>? IntegrationIds { get; init; }

    /// <summary>Only connections carrying all these tags.</summary>
    public IReadOnlyDictionary<string, string>? Tags { get; init; }

    /// <summary>Page size (1–2000).</summary>
    public int? Limit { get; init; }

    /// <summary>Page number, from 0.</summary>
    public int? Page { get; init; }
}

/// <summary>Body of <c>PATCH /connections/:id</c>; null members are left unchanged.</summary>
public sealed record PatchConnectionRequest
{
    /// <summary>A new end user (their tags are merged under <see cref="Tags"/>).</summary>
    public EndUser? EndUser { get; init; }

    /// <summary>New tags for the connection.</summary>
    public IReadOnlyDictionary<string, string>? Tags { get; init; }

    /// <summary>A new webhook URL override; an empty string clears it.</summary>
    public string? WebhookUrlOverride { get; init; }
}

/// <summary>Body of <c>POST|PATCH /connections/metadata</c>.</summary>
internal sealed record MetadataRequest(
    [property: JsonPropertyName("connection_id")] IReadOnlyList<string> ConnectionId,
    [property: JsonPropertyName("provider_config_key")] string ProviderConfigKey,
    [property: JsonPropertyName("metadata")] JsonObject Metadata);

internal sealed record ConnectionList(IReadOnlyList<ConnectionSummary> Connections);

internal sealed record SuccessResponse(bool Success);
