using System.Text.Json.Nodes;

namespace Latchkey.Client;

/// <summary>Body of <c>POST /connect/sessions</c>: who is connecting and what they may connect.</summary>
public sealed record CreateConnectSessionRequest
{
    /// <summary>Your user. Required unless <see cref="Tags"/> identify the user instead.</summary>
    public EndUser? EndUser { get; init; }

    /// <summary>Your user's organization, when you have one.</summary>
    public Organization? Organization { get; init; }

    /// <summary>Integration keys the user may choose from; null or empty means every integration.</summary>
    public IReadOnlyList<string>? AllowedIntegrations { get; init; }

    /// <summary>Per-integration defaults (connection config, authorization params, user scopes).</summary>
    public IReadOnlyDictionary<string, IntegrationConfigDefaults>? IntegrationsConfigDefaults { get; init; }

    /// <summary>Per-integration display overrides, e.g. a link to your own connection docs.</summary>
    public IReadOnlyDictionary<string, IntegrationOverride>? Overrides { get; init; }

    /// <summary>A webhook URL for connections made through this session (replaces the environment's primary URL).</summary>
    public string? WebhookUrlOverride { get; init; }

    /// <summary>Tags copied to the connections made through this session (keys are lower-cased by the server).</summary>
    public IReadOnlyDictionary<string, string>? Tags { get; init; }
}

/// <summary>Body of <c>POST /connect/sessions/reconnect</c>: a session that re-authorises one existing connection.</summary>
public sealed record CreateReconnectSessionRequest
{
    /// <summary>The connection to re-authorise.</summary>
    public required string ConnectionId { get; init; }

    /// <summary>The integration key of that connection.</summary>
    public required string IntegrationId { get; init; }

    /// <summary>Your user, when it changed.</summary>
    public EndUser? EndUser { get; init; }

    /// <summary>Your user's organization.</summary>
    public Organization? Organization { get; init; }

    /// <summary>Per-integration defaults.</summary>
    public IReadOnlyDictionary<string, IntegrationConfigDefaults>? IntegrationsConfigDefaults { get; init; }

    /// <summary>Per-integration display overrides.</summary>
    public IReadOnlyDictionary<string, IntegrationOverride>? Overrides { get; init; }

    /// <summary>A webhook URL for this connection.</summary>
    public string? WebhookUrlOverride { get; init; }

    /// <summary>New tags; null keeps the connection's tags.</summary>
    public IReadOnlyDictionary<string, string>? Tags { get; init; }
}

/// <summary>The user of your product who connects an account.</summary>
public sealed record EndUser
{
    /// <summary>Your id for the user (1–255 characters).</summary>
    public required string Id { get; init; }

    /// <summary>The user's e-mail address.</summary>
    public string? Email { get; init; }

    /// <summary>The user's name as shown in the Connect UI.</summary>
    public string? DisplayName { get; init; }

    /// <summary>Free tags about the user.</summary>
    public IReadOnlyDictionary<string, string>? Tags { get; init; }
}

/// <summary>The organization your user belongs to.</summary>
public sealed record Organization
{
    /// <summary>Your id for the organization.</summary>
    public required string Id { get; init; }

    /// <summary>The organization's name.</summary>
    public string? DisplayName { get; init; }
}

/// <summary>Defaults applied when the user connects one integration.</summary>
public sealed record IntegrationConfigDefaults
{
    /// <summary>User-level scopes (providers that distinguish them, e.g. Slack).</summary>
    public string? UserScopes { get; init; }

    /// <summary>Extra parameters of the provider's authorization URL.</summary>
    public IReadOnlyDictionary<string, string>? AuthorizationParams { get; init; }

    /// <summary>Connection configuration pre-filled for the user (e.g. a subdomain).</summary>
    public JsonObject? ConnectionConfig { get; init; }
}

/// <summary>Display overrides of one integration in the Connect UI.</summary>
public sealed record IntegrationOverride
{
    /// <summary>A link to your own documentation on connecting this integration.</summary>
    public string? DocsConnect { get; init; }
}

/// <summary>A connect session: hand <see cref="Token"/> to your page, or send the user to <see cref="ConnectLink"/>.</summary>
public sealed record ConnectSession
{
    /// <summary>The session token (<c>nango_connect_session_…</c>), valid for 30 minutes. Never printed.</summary>
    public required string Token { get; init; }

    /// <summary>A link opening the Connect UI with this session.</summary>
    public required string ConnectLink { get; init; }

    /// <summary>When the token expires.</summary>
    public required DateTimeOffset ExpiresAt { get; init; }

    /// <summary>The expiry only; the token and the link that carries it are redacted.</summary>
    public override string ToString() => $"ConnectSession {{ Token = [redacted], ExpiresAt = {ExpiresAt:O} }}";
}
