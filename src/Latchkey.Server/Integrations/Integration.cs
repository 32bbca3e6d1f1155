using System.Text.Json.Nodes;
using Latchkey.Server.Vault;

namespace Latchkey.Server.Integrations;

/// <summary>
/// An integration: a provider configured in one environment under a unique key, with the customer's OAuth app.
/// Secrets stay sealed in this record; <see cref="IntegrationStore.OpenSecrets"/> opens them for code that needs them.
/// </summary>
public sealed record Integration
{
    public long Id { get; init; }

    public required string Uid { get; init; }

    public long EnvironmentId { get; init; }

    public required string UniqueKey { get; init; }

    public required string Provider { get; init; }

    public string? DisplayName { get; init; }

    public string? ClientId { get; init; }

    public string? ClientSecretSealed { get; init; }

    public string? Scopes { get; init; }

    public string? WebhookSecretSealed { get; init; }

    public string? AppId { get; init; }

    public string? AppLink { get; init; }

    public string? PrivateKeySealed { get; init; }

    public string? ConfigSealed { get; init; }

    public bool ForwardWebhooks { get; init; }

    public long CreatedAt { get; init; }

    public long UpdatedAt { get; init; }

    public IReadOnlyList<string> ScopeList =>
        string.IsNullOrEmpty(Scopes) ? [] : Scopes.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);

    internal SealedField Field(string column) => new("integrations", column, EnvironmentId, Uid);
}

/// <summary>The opened secrets of an integration. <see cref="ToString"/> never prints them.</summary>
public sealed record IntegrationSecrets(string? ClientSecret, string? WebhookSecret, string? PrivateKey, JsonObject? Config)
{
    /// <summary><c>integration_config</c> values entered by the developer (spec §4.7).</summary>
    public JsonObject? IntegrationConfig => Config?["integration_config"] as JsonObject;

    public JsonObject? Custom => Config?["custom"] as JsonObject;

    public override string ToString() => "IntegrationSecrets [redacted]";
}
