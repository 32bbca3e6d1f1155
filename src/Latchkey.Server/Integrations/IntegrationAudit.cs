using System.Text.Json.Nodes;
using Latchkey.Server.Audit;

namespace Latchkey.Server.Integrations;

/// <summary>
/// Records integration changes in the audit trail, for the API and the dashboard alike: plain fields with their old
/// and new values, secrets (client secret, webhook secret, private key, config) only as "set", "changed" or "removed".
/// </summary>
public sealed class IntegrationAudit(IntegrationStore store, AuditTrail trail)
{
    public Task CreatedAsync(AuditActor actor, Integration created, CancellationToken cancellationToken) =>
        trail.RecordAsync(actor, AuditActions.IntegrationCreated, created.EnvironmentId, created.UniqueKey, Describe(null, created), cancellationToken);

    public Task UpdatedAsync(AuditActor actor, Integration before, Integration after, CancellationToken cancellationToken) =>
        trail.RecordAsync(actor, AuditActions.IntegrationUpdated, after.EnvironmentId, after.UniqueKey, Describe(before, after), cancellationToken);

    public Task DeletedAsync(AuditActor actor, Integration deleted, CancellationToken cancellationToken) =>
        trail.RecordAsync(actor, AuditActions.IntegrationDeleted, deleted.EnvironmentId, deleted.UniqueKey, Describe(deleted, null), cancellationToken);

    /// <summary>The app credentials were read in full (<c>include=credentials</c>); the entry says so, without them.</summary>
    public Task CredentialsRevealedAsync(AuditActor actor, Integration integration, CancellationToken cancellationToken) =>
        trail.RecordAsync(actor, AuditActions.IntegrationCredentialsRevealed, integration.EnvironmentId, integration.UniqueKey, cancellationToken);

    private JsonObject Describe(Integration? before, Integration? after)
    {
        var changes = AuditChanges.Diff(Plain(before), Plain(after));
        var old = before is null ? null : store.OpenSecrets(before);
        var now = after is null ? null : store.OpenSecrets(after);
        (string Name, string? Before, string? After)[] secrets =
        [
            ("client_secret", old?.ClientSecret, now?.ClientSecret),
            ("webhook_secret", old?.WebhookSecret, now?.WebhookSecret),
            ("private_key", old?.PrivateKey, now?.PrivateKey),
            // integration_config and custom values may hold secrets of their own: only whether they changed.
            ("config", old?.Config?.ToJsonString(), now?.Config?.ToJsonString()),
        ];
        foreach (var (name, was, isNow) in secrets)
        {
            if (AuditChanges.SecretChange(was, isNow) is { } word)
            {
                changes[name] = word;
            }
        }

        return changes;
    }

    private static JsonObject Plain(Integration? integration) => integration is null ? [] : new JsonObject
    {
        ["unique_key"] = integration.UniqueKey,
        ["provider"] = integration.Provider,
        ["display_name"] = integration.DisplayName,
        ["client_id"] = integration.ClientId,
        ["scopes"] = integration.Scopes,
        ["app_id"] = integration.AppId,
        ["app_link"] = integration.AppLink,
        ["forward_webhooks"] = integration.ForwardWebhooks,
    };
}
