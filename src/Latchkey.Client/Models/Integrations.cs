using System.Text.Json.Nodes;

namespace Latchkey.Client;

/// <summary>An integration: one provider configured in the environment under a unique key.</summary>
public sealed record Integration
{
    /// <summary>The integration key (the <c>providerConfigKey</c> of its connections).</summary>
    public required string UniqueKey { get; init; }

    /// <summary>The provider name.</summary>
    public required string Provider { get; init; }

    /// <summary>The name shown to users.</summary>
    public string? DisplayName { get; init; }

    /// <summary>URL of the provider's logo.</summary>
    public string? Logo { get; init; }

    /// <summary>Whether provider webhooks are forwarded.</summary>
    public bool ForwardWebhooks { get; init; }

    /// <summary>When the integration was created.</summary>
    public DateTimeOffset CreatedAt { get; init; }

    /// <summary>When it was last changed.</summary>
    public DateTimeOffset UpdatedAt { get; init; }

    /// <summary>The URL providers send webhooks to (only with <see cref="IntegrationInclude.Webhook"/>).</summary>
    public string? WebhookUrl { get; init; }

    /// <summary>The app credentials (only with <see cref="IntegrationInclude.Credentials"/>; null for key-based providers).</summary>
    public IntegrationCredentials? Credentials { get; init; }
}

/// <summary>Optional parts of <see cref="LatchkeyClient.GetIntegrationAsync"/>'s answer.</summary>
[Flags]
public enum IntegrationInclude
{
    /// <summary>The integration object only.</summary>
    None = 0,

    /// <summary>Add <see cref="Integration.WebhookUrl"/>.</summary>
    Webhook = 1,

    /// <summary>Add <see cref="Integration.Credentials"/> (client secret included).</summary>
    Credentials = 2,
}

/// <summary>An integration's app credentials: OAuth client (<c>OAUTH1</c>, <c>OAUTH2</c>, <c>TBA</c>) or app (<c>APP</c>, <c>CUSTOM</c>).</summary>
public sealed record IntegrationCredentials
{
    /// <summary>The auth mode; must equal the provider's.</summary>
    public required string Type { get; init; }

    /// <summary>OAuth client id.</summary>
    public string? ClientId { get; init; }

    /// <summary>OAuth client secret.</summary>
    public string? ClientSecret { get; init; }

    /// <summary>Comma-separated scopes.</summary>
    public string? Scopes { get; init; }

    /// <summary>Secret the provider signs its webhooks with.</summary>
    public string? WebhookSecret { get; init; }

    /// <summary>App id (<c>APP</c>, <c>CUSTOM</c>).</summary>
    public string? AppId { get; init; }

    /// <summary>App installation link (<c>APP</c>, <c>CUSTOM</c>).</summary>
    public string? AppLink { get; init; }

    /// <summary>App private key, PEM (<c>APP</c>, <c>CUSTOM</c>).</summary>
    public string? PrivateKey { get; init; }

    /// <summary>The type and client id only; secrets are redacted.</summary>
    public override string ToString() => $"IntegrationCredentials {{ Type = {Type}, ClientId = {ClientId}, [secrets redacted] }}";
}

/// <summary>Body of <c>POST /integrations</c>.</summary>
public sealed record CreateIntegrationRequest
{
    /// <summary>The provider name (see <see cref="LatchkeyClient.ListProvidersAsync"/>).</summary>
    public required string Provider { get; init; }

    /// <summary>The integration key to create.</summary>
    public required string UniqueKey { get; init; }

    /// <summary>The name shown to users; defaults to the provider's.</summary>
    public string? DisplayName { get; init; }

    /// <summary>Forward provider webhooks (default true).</summary>
    public bool? ForwardWebhooks { get; init; }

    /// <summary>App credentials; required for OAuth providers.</summary>
    public IntegrationCredentials? Credentials { get; init; }

    /// <summary>Provider-specific integration settings.</summary>
    public IReadOnlyDictionary<string, string>? IntegrationConfig { get; init; }

    /// <summary>Free custom values.</summary>
    public IReadOnlyDictionary<string, string>? Custom { get; init; }
}

/// <summary>Body of <c>PATCH /integrations/:key</c>; null members are left unchanged.</summary>
public sealed record UpdateIntegrationRequest
{
    /// <summary>A new integration key (refused while connections exist).</summary>
    public string? UniqueKey { get; init; }

    /// <summary>A new display name.</summary>
    public string? DisplayName { get; init; }

    /// <summary>New app credentials.</summary>
    public IntegrationCredentials? Credentials { get; init; }

    /// <summary>Forward provider webhooks.</summary>
    public bool? ForwardWebhooks { get; init; }

    /// <summary>Provider-specific integration settings.</summary>
    public IReadOnlyDictionary<string, string>? IntegrationConfig { get; init; }

    /// <summary>Free custom values.</summary>
    public IReadOnlyDictionary<string, string>? Custom { get; init; }
}

/// <summary>A provider of the server's catalog.</summary>
public sealed record Provider
{
    /// <summary>The provider name (what <see cref="CreateIntegrationRequest.Provider"/> takes).</summary>
    public required string Name { get; init; }

    /// <summary>Its display name.</summary>
    public string? DisplayName { get; init; }

    /// <summary>Its auth mode (<c>OAUTH2</c>, <c>API_KEY</c>, <c>BASIC</c>…).</summary>
    public string? AuthMode { get; init; }

    /// <summary>URL of its logo.</summary>
    public string? LogoUrl { get; init; }

    /// <summary>Link to the provider's documentation.</summary>
    public string? Docs { get; init; }

    /// <summary>Its categories.</summary>
    public IReadOnlyList<string>? Categories { get; init; }

    /// <summary>The whole catalog entry as the server sent it (authorization URLs, field schemas…).</summary>
    public JsonObject Definition { get; init; } = [];
}

internal sealed record DataResponse<T>(T Data);
