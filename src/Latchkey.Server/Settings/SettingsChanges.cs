using Latchkey.Server.Audit;
using Latchkey.Server.Environments;

namespace Latchkey.Server.Settings;

/// <summary>
/// Every change to an environment's settings, from the API or the dashboard: saved, the environment caches told, and
/// recorded in the audit trail as the difference between the settings as <c>GET /environment</c> shows them before
/// and after (which holds no secret; the signing key appears only as "separate" or "secret_key").
/// </summary>
public sealed class SettingsChanges(EnvironmentStore store, EnvironmentDirectory directory, AuditTrail audit)
{
    public async Task ApplyAsync(long environmentId, SettingsPatch patch, AuditActor actor, CancellationToken cancellationToken)
    {
        var before = await SettingsEndpoints.BuildAsync(environmentId, store, cancellationToken);
        var current = await store.GetSettingsAsync(environmentId, cancellationToken);
        await store.SaveSettingsAsync(environmentId, patch.ApplyTo(current), cancellationToken);
        if (patch.CallbackUrl.IsSet || patch.ConnectionLimit.IsSet)
        {
            var record = await store.GetAsync(environmentId, cancellationToken);
            await store.SaveProfileAsync(
                environmentId,
                patch.CallbackUrl.IsSet ? patch.CallbackUrl.Value : record?.CallbackUrl,
                patch.ConnectionLimit.IsSet ? patch.ConnectionLimit.Value : record?.ConnectionLimit,
                cancellationToken);

            // The directory caches environment records (the connection limit is read from them).
            await directory.ForgetEverywhereAsync(environmentId, cancellationToken);
        }

        var after = await SettingsEndpoints.BuildAsync(environmentId, store, cancellationToken);
        var changes = AuditChanges.Diff(before, after);
        if (changes.Count > 0)
        {
            await audit.RecordAsync(actor, AuditActions.SettingsUpdated, environmentId, null, changes, cancellationToken);
        }
    }

    /// <summary>A new webhook signing key, returned once to be shown; the audit entry says only that it was rotated.</summary>
    public async Task<string> RotateSigningKeyAsync(long environmentId, AuditActor actor, CancellationToken cancellationToken)
    {
        var key = SettingsEndpoints.NewSigningKey();
        await store.SetWebhookSigningKeyAsync(environmentId, key, cancellationToken);
        await audit.RecordAsync(actor, AuditActions.SigningKeyRotated, environmentId, null, cancellationToken);
        return key;
    }

    public async Task ClearSigningKeyAsync(long environmentId, AuditActor actor, CancellationToken cancellationToken)
    {
        await store.SetWebhookSigningKeyAsync(environmentId, null, cancellationToken);
        await audit.RecordAsync(actor, AuditActions.SigningKeyRemoved, environmentId, null, cancellationToken);
    }
}
