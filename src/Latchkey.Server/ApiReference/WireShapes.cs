using System.Text.Json.Nodes;
using System.Text.Json.Serialization;

namespace Latchkey.Server.ApiReference;

// The request and response bodies of the API as the OpenAPI document shows them (spec §4). The handlers read and
// write JSON by hand (strict keys, precise errors), so these types exist only to describe that JSON: property names
// follow the server's snake_case policy unless an attribute says otherwise. Free-form parts stay JsonObject.

/// <summary>The error envelope of every failure (spec §1.2).</summary>
internal sealed record ErrorEnvelope
{
    public required ErrorBody Error { get; init; }
}

/// <summary>What went wrong: <c>code</c> is stable and machine-readable; <c>errors</c> lists validation issues.</summary>
internal sealed record ErrorBody
{
    public required string Code { get; init; }

    public string? Message { get; init; }

    public IReadOnlyList<ErrorIssue>? Errors { get; init; }

    public JsonNode? Payload { get; init; }
}

/// <summary>One validation issue; <c>path</c> points at the offending field.</summary>
internal sealed record ErrorIssue
{
    public required string Code { get; init; }

    public required string Message { get; init; }

    public required IReadOnlyList<string> Path { get; init; }
}

/// <summary>The end user a connect session or connection belongs to.</summary>
internal sealed record EndUserShape
{
    public required string Id { get; init; }

    public string? Email { get; init; }

    public string? DisplayName { get; init; }

    public Dictionary<string, string>? Tags { get; init; }
}

internal sealed record OrganizationShape
{
    public required string Id { get; init; }

    public string? DisplayName { get; init; }
}

/// <summary>POST /connect/sessions. <c>end_user</c> is required unless <c>tags</c> is given.</summary>
internal sealed record CreateConnectSessionRequest
{
    public EndUserShape? EndUser { get; init; }

    public OrganizationShape? Organization { get; init; }

    public IReadOnlyList<string>? AllowedIntegrations { get; init; }

    public Dictionary<string, JsonObject>? IntegrationsConfigDefaults { get; init; }

    public Dictionary<string, JsonObject>? Overrides { get; init; }

    public string? WebhookUrlOverride { get; init; }

    public Dictionary<string, string>? Tags { get; init; }

    public int? ExpiresIn { get; init; }
}

/// <summary>POST /connect/sessions/reconnect: a session that re-authorizes one existing connection.</summary>
internal sealed record ReconnectSessionRequest
{
    public required string ConnectionId { get; init; }

    public required string IntegrationId { get; init; }

    public EndUserShape? EndUser { get; init; }

    public OrganizationShape? Organization { get; init; }

    public Dictionary<string, JsonObject>? IntegrationsConfigDefaults { get; init; }

    public Dictionary<string, JsonObject>? Overrides { get; init; }

    public string? WebhookUrlOverride { get; init; }

    public Dictionary<string, string>? Tags { get; init; }

    public int? ExpiresIn { get; init; }
}

internal sealed record ConnectSessionCreated
{
    public required ConnectSessionToken Data { get; init; }
}

/// <summary>The session token for the browser, the standalone Connect UI link, and the expiry (30 minutes by default).</summary>
internal sealed record ConnectSessionToken
{
    public required string Token { get; init; }

    public required string ConnectLink { get; init; }

    public required DateTimeOffset ExpiresAt { get; init; }
}

/// <summary>POST /connect/telemetry (sendBeacon from the Connect UI; the session token travels in the body).</summary>
internal sealed record TelemetryRequest
{
    public required string Token { get; init; }

    public required string Event { get; init; }

    public required DateTimeOffset Timestamp { get; init; }

    public Dictionary<string, string>? Dimensions { get; init; }
}

/// <summary>An integration: a provider configured in an environment under a unique key.</summary>
internal sealed record IntegrationShape
{
    public required string UniqueKey { get; init; }

    public required string Provider { get; init; }

    public required string DisplayName { get; init; }

    public required string Logo { get; init; }

    public required bool ForwardWebhooks { get; init; }

    public required DateTimeOffset CreatedAt { get; init; }

    public required DateTimeOffset UpdatedAt { get; init; }

    public string? WebhookUrl { get; init; }

    public JsonObject? Credentials { get; init; }
}

internal sealed record IntegrationAnswer
{
    public required IntegrationShape Data { get; init; }
}

internal sealed record IntegrationList
{
    public required IReadOnlyList<IntegrationShape> Data { get; init; }
}

/// <summary>The app credentials of an integration; <c>type</c> must equal the provider's auth mode.</summary>
internal sealed record IntegrationCredentialsShape
{
    public required string Type { get; init; }

    public string? ClientId { get; init; }

    public string? ClientSecret { get; init; }

    public string? Scopes { get; init; }

    public string? WebhookSecret { get; init; }

    public string? AppId { get; init; }

    public string? AppLink { get; init; }

    public string? PrivateKey { get; init; }
}

/// <summary>POST /integrations.</summary>
internal sealed record CreateIntegrationRequest
{
    public required string Provider { get; init; }

    public required string UniqueKey { get; init; }

    public string? DisplayName { get; init; }

    public bool? ForwardWebhooks { get; init; }

    public IntegrationCredentialsShape? Credentials { get; init; }

    public Dictionary<string, string>? IntegrationConfig { get; init; }

    public Dictionary<string, string>? Custom { get; init; }
}

/// <summary>PATCH /integrations/{uniqueKey}: every field optional; a rename is refused while connections exist.</summary>
internal sealed record UpdateIntegrationRequest
{
    public string? UniqueKey { get; init; }

    public string? DisplayName { get; init; }

    public bool? ForwardWebhooks { get; init; }

    public IntegrationCredentialsShape? Credentials { get; init; }

    public Dictionary<string, string>? IntegrationConfig { get; init; }

    public Dictionary<string, string>? Custom { get; init; }
}

internal sealed record SuccessAnswer
{
    public required bool Success { get; init; }
}

internal sealed record ProviderList
{
    public required IReadOnlyList<JsonObject> Data { get; init; }
}

/// <summary>A catalog entry (all of its YAML keys, localised by Accept-Language) plus <c>name</c> and <c>logo_url</c>.</summary>
internal sealed record ProviderAnswer
{
    public required JsonObject Data { get; init; }
}

internal sealed record ApiKeyRequest
{
    [JsonPropertyName("apiKey")] public required string ApiKey { get; init; }
}

internal sealed record BasicRequest
{
    public required string Username { get; init; }

    public required string Password { get; init; }
}

internal sealed record TbaRequest
{
    public required string TokenId { get; init; }

    public required string TokenSecret { get; init; }

    public string? OauthClientIdOverride { get; init; }

    public string? OauthClientSecretOverride { get; init; }
}

internal sealed record BillRequest
{
    public required string Username { get; init; }

    public required string Password { get; init; }

    public required string OrganizationId { get; init; }

    public required string DevKey { get; init; }
}

internal sealed record SignatureRequest
{
    public required string Username { get; init; }

    public required string Password { get; init; }

    public required string Type { get; init; }
}

/// <summary>POST /oauth2/auth/{providerConfigKey}: a client secret, a private key (private_key_jwt) or a client certificate.</summary>
internal sealed record ClientCredentialsRequest
{
    public required string ClientId { get; init; }

    public string? ClientSecret { get; init; }

    public string? ClientCertificate { get; init; }

    public string? ClientPrivateKey { get; init; }
}

/// <summary>The connection a credential entry created or re-authorized.</summary>
internal sealed record EntryResult
{
    [JsonPropertyName("connectionId")] public required string ConnectionId { get; init; }

    [JsonPropertyName("providerConfigKey")] public required string ProviderConfigKey { get; init; }
}

/// <summary>A connection with its credentials (refreshed when near expiry); <c>credentials</c> depends on its <c>type</c>.</summary>
internal sealed record ConnectionShape
{
    public required long Id { get; init; }

    public required string ConnectionId { get; init; }

    public required string ProviderConfigKey { get; init; }

    public required string Provider { get; init; }

    public required IReadOnlyList<JsonObject> Errors { get; init; }

    public JsonObject? EndUser { get; init; }

    public required Dictionary<string, string> Tags { get; init; }

    public JsonObject? Metadata { get; init; }

    public required JsonObject ConnectionConfig { get; init; }

    public string? WebhookUrlOverride { get; init; }

    public required DateTimeOffset CreatedAt { get; init; }

    public required DateTimeOffset UpdatedAt { get; init; }

    public DateTimeOffset? LastFetchedAt { get; init; }

    public required JsonObject Credentials { get; init; }
}

/// <summary>One row of GET /connections.</summary>
internal sealed record ConnectionListItem
{
    public required long Id { get; init; }

    public required string ConnectionId { get; init; }

    public required string ProviderConfigKey { get; init; }

    public required string Provider { get; init; }

    public required IReadOnlyList<JsonObject> Errors { get; init; }

    public JsonObject? EndUser { get; init; }

    public required Dictionary<string, string> Tags { get; init; }

    public JsonObject? Metadata { get; init; }

    public required DateTimeOffset Created { get; init; }
}

internal sealed record ConnectionList
{
    public required IReadOnlyList<ConnectionListItem> Connections { get; init; }
}

/// <summary>POST /connections: import credentials obtained elsewhere; <c>credentials.type</c> must match the provider.</summary>
internal sealed record ImportConnectionRequest
{
    public required string ProviderConfigKey { get; init; }

    public string? ConnectionId { get; init; }

    public required JsonObject Credentials { get; init; }

    public JsonObject? Metadata { get; init; }

    public JsonObject? ConnectionConfig { get; init; }

    public string? WebhookUrlOverride { get; init; }

    public EndUserShape? EndUser { get; init; }

    public Dictionary<string, string>? Tags { get; init; }
}

/// <summary>PATCH /connections/{connectionId}: <c>webhook_url_override</c> "" clears it.</summary>
internal sealed record PatchConnectionRequest
{
    public EndUserShape? EndUser { get; init; }

    public Dictionary<string, string>? Tags { get; init; }

    public string? WebhookUrlOverride { get; init; }
}

/// <summary>Metadata of one or several connections (<c>connection_id</c> is a string or an array of strings).</summary>
internal sealed record MetadataRequest
{
    public required JsonNode ConnectionId { get; init; }

    public required string ProviderConfigKey { get; init; }

    public required JsonObject Metadata { get; init; }
}

/// <summary>PATCH /environment: any subset of the settings.</summary>
internal sealed record EnvironmentPatchRequest
{
    public JsonObject? ConnectUi { get; init; }

    public IReadOnlyList<string>? AllowedOrigins { get; init; }

    public string? CallbackUrl { get; init; }

    public int? ConnectionLimit { get; init; }

    public WebhookSettingsShape? Webhook { get; init; }
}

internal sealed record WebhookSettingsShape
{
    public string? PrimaryUrl { get; init; }

    public string? SecondaryUrl { get; init; }

    public bool? OnAuthCreation { get; init; }

    public bool? OnAuthRefreshError { get; init; }
}
