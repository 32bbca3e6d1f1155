using System.Security.Cryptography;
using System.Text.Json.Nodes;
using Latchkey.Server.Audit;
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
        Caller caller, HttpContext http, EnvironmentStore store, SettingsChanges changes, CancellationToken cancellationToken)
    {
        var body = await JsonBody.ReadAsync(http.Request, cancellationToken);
        if (body.Failed)
        {
            return body.Error;
        }

        var patch = SettingsRequests.ReadPatch(body.Value);
        if (patch.Failed)
        {
            return patch.Error;
        }

        await changes.ApplyAsync(caller.EnvironmentId, patch.Value!, AuditActor.SecretKey(caller, http), cancellationToken);
        return TypedResults.Ok(new JsonObject { ["data"] = await BuildAsync(caller.EnvironmentId, store, cancellationToken) });
    }

    public static async Task<Ok<JsonObject>> RotateSigningKeyAsync(Caller caller, HttpContext http, SettingsChanges changes, CancellationToken cancellationToken)
    {
        var key = await changes.RotateSigningKeyAsync(caller.EnvironmentId, AuditActor.SecretKey(caller, http), cancellationToken);
        return TypedResults.Ok(new JsonObject { ["data"] = new JsonObject { ["signing_key"] = key } });
    }

    public static async Task<NoContent> ClearSigningKeyAsync(Caller caller, HttpContext http, SettingsChanges changes, CancellationToken cancellationToken)
    {
        await changes.ClearSigningKeyAsync(caller.EnvironmentId, AuditActor.SecretKey(caller, http), cancellationToken);
        return TypedResults.NoContent();
    }

    public static string NewSigningKey() => "lk_whsec_" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(32));

    internal static async Task<JsonObject> BuildAsync(long environmentId, EnvironmentStore store, CancellationToken cancellationToken)
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
