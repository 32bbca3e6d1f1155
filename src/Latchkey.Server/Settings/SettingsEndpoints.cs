using System.Security.Cryptography;
using System.Text.Json.Nodes;
using Latchkey.Server.Callers;
using Latchkey.Server.Environments;
using Latchkey.Server.Hosting;
using Latchkey.Server.Hosting.Validation;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Latchkey.Server.Settings;

/// <summary>
/// <c>GET/PATCH /environment</c>: the settings of the caller's environment, the same ones the dashboard edits.
/// The webhook signing key is never listed; <c>POST /environment/webhook-signing-key</c> generates one and shows it
/// once, <c>DELETE</c> goes back to signing with the secret key (spec §7.3).
/// </summary>
public static class SettingsEndpoints
{
    public static async Task<Results<Ok<JsonObject>, ApiError>> GetEnvironmentAsync(
        Caller caller, HttpRequest request, EnvironmentStore store, CancellationToken cancellationToken)
    {
        if (QueryRules.RejectUnknown(request.Query) is { } error)
        {
            return error;
        }

        return TypedResults.Ok(new JsonObject { ["data"] = await BuildAsync(caller.EnvironmentId, store, cancellationToken) });
    }

    public static async Task<Results<Ok<JsonObject>, ApiError>> PatchEnvironmentAsync(
        Caller caller, HttpRequest request, EnvironmentStore store, EnvironmentDirectory directory, CancellationToken cancellationToken)
    {
        var body = await JsonBody.ReadAsync(request, cancellationToken);
        if (body.Failed)
        {
            return body.Error;
        }

        var patch = SettingsRequests.ReadPatch(body.Value);
        if (patch.Failed)
        {
            return patch.Error;
        }

        await ApplyAsync(caller.EnvironmentId, patch.Value!, store, directory, cancellationToken);
        return TypedResults.Ok(new JsonObject { ["data"] = await BuildAsync(caller.EnvironmentId, store, cancellationToken) });
    }

    public static async Task<Ok<JsonObject>> RotateSigningKeyAsync(Caller caller, EnvironmentStore store, CancellationToken cancellationToken)
    {
        var key = NewSigningKey();
        await store.SetWebhookSigningKeyAsync(caller.EnvironmentId, key, cancellationToken);
        return TypedResults.Ok(new JsonObject { ["data"] = new JsonObject { ["signing_key"] = key } });
    }

    public static async Task<NoContent> ClearSigningKeyAsync(Caller caller, EnvironmentStore store, CancellationToken cancellationToken)
    {
        await store.SetWebhookSigningKeyAsync(caller.EnvironmentId, null, cancellationToken);
        return TypedResults.NoContent();
    }

    public static string NewSigningKey() => "lk_whsec_" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(32));

    /// <summary>Saves a checked patch (the API and the dashboard share it).</summary>
    public static async Task ApplyAsync(long environmentId, SettingsPatch patch, EnvironmentStore store, EnvironmentDirectory directory, CancellationToken cancellationToken)
    {
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
    }

    private static async Task<JsonObject> BuildAsync(long environmentId, EnvironmentStore store, CancellationToken cancellationToken)
    {
        var record = await store.GetAsync(environmentId, cancellationToken);
        var settings = await store.GetSettingsAsync(environmentId, cancellationToken);
        var ui = settings.ConnectUi;
        var theme = ui["theme"] as JsonObject;
        return new JsonObject
        {
            ["name"] = record!.Name,
            ["connect_ui"] = new JsonObject
            {
                ["theme"] = new JsonObject
                {
                    ["light"] = new JsonObject { ["primary"] = theme?["light"]?["primary"]?.DeepClone() },
                    ["dark"] = new JsonObject { ["primary"] = theme?["dark"]?["primary"]?.DeepClone() },
                },
                ["default_theme"] = ui["defaultTheme"]?.DeepClone(),
                ["show_watermark"] = ui["showWatermark"]?.DeepClone(),
                ["strings"] = ui["strings"]?.DeepClone() ?? new JsonObject(),
            },
            ["allowed_origins"] = new JsonArray(settings.AllowedOrigins.Select(o => (JsonNode?)o).ToArray()),
            ["callback_url"] = record.CallbackUrl,
            ["connection_limit"] = record.ConnectionLimit,
            ["webhook"] = new JsonObject
            {
                ["primary_url"] = settings.Webhooks.PrimaryUrl,
                ["secondary_url"] = settings.Webhooks.SecondaryUrl,
                ["on_auth_creation"] = settings.Webhooks.OnAuthCreation,
                ["on_auth_refresh_error"] = settings.Webhooks.OnAuthRefreshError,
                ["signing_key"] = await store.HasSeparateSigningKeyAsync(environmentId, cancellationToken) ? "separate" : "secret_key",
            },
        };
    }
}
