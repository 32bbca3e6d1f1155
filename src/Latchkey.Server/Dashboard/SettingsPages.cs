using System.Text.Json;
using System.Text.Json.Nodes;
using Latchkey.Server.Audit;
using Latchkey.Server.Dashboard.Pages;
using Latchkey.Server.Environments;
using Latchkey.Server.Settings;

namespace Latchkey.Server.Dashboard;

/// <summary>
/// Environment settings. The form is turned into the body of <c>PATCH /environment</c> and checked by the same
/// rules, so the dashboard can store nothing the API would refuse.
/// </summary>
public static class SettingsPages
{
    public static async Task<IResult> ShowAsync(string env, HttpContext http, DashboardContexts contexts, EnvironmentStore store, CancellationToken cancellationToken)
    {
        if (await contexts.ForAsync(http, env, "settings", cancellationToken) is not { } ctx)
        {
            return DashboardAccess.NotFoundPage();
        }

        return await RenderAsync(ctx with { Notice = IntegrationPages.Notice(http) }, store, null, null, cancellationToken);
    }

    /// <summary>
    /// The secret key in full, only after a deliberate POST (admin cookie and form token), so it never sits in a URL,
    /// history or cache. The Copy button asks for JSON; the Reveal button for the page.
    /// </summary>
    public static async Task<IResult> RevealSecretKeyAsync(string env, IFormCollection form, HttpContext http, DashboardContexts contexts, EnvironmentStore store, AuditTrail audit,
        CancellationToken cancellationToken)
    {
        _ = form; // Binding the form makes the endpoint validate the antiforgery token.
        if (await contexts.ForAsync(http, env, "settings", cancellationToken) is not { } ctx)
        {
            return DashboardAccess.NotFoundPage();
        }

        var key = await store.RevealSecretKeyAsync(ctx.Environment.Id, cancellationToken);
        await audit.RecordAsync(ctx.Actor, AuditActions.SecretKeyRevealed, ctx.Environment.Id, null, cancellationToken);
        return http.Request.Headers.Accept.ToString().Contains("application/json", StringComparison.Ordinal)
            ? Results.Json(new JsonObject { ["secret_key"] = key })
            : await RenderAsync(ctx, store, null, null, cancellationToken, revealed: true);
    }

    public static async Task<IResult> SaveAsync(string env, IFormCollection form, HttpContext http, DashboardContexts contexts, EnvironmentStore store, SettingsChanges changes,
        CancellationToken cancellationToken)
    {
        if (await contexts.ForAsync(http, env, "settings", cancellationToken) is not { } ctx)
        {
            return DashboardAccess.NotFoundPage();
        }

        var body = new JsonObject
        {
            ["connect_ui"] = new JsonObject
            {
                ["theme"] = new JsonObject
                {
                    ["light"] = new JsonObject { ["primary"] = form["light_primary"].ToString().Trim() },
                    ["dark"] = new JsonObject { ["primary"] = form["dark_primary"].ToString().Trim() },
                },
                ["default_theme"] = form["default_theme"].ToString(),
                ["show_watermark"] = form["show_watermark"] == "on",
            },
            ["allowed_origins"] = new JsonArray(form["allowed_origins"].ToString()
                .Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Select(o => (JsonNode?)o).ToArray()),
            ["callback_url"] = Nullable(form["callback_url"]),
            ["connection_limit"] = int.TryParse(form["connection_limit"], out var limit) ? limit : string.IsNullOrWhiteSpace(form["connection_limit"]) ? null : -1,
            ["webhook"] = new JsonObject
            {
                ["primary_url"] = Nullable(form["primary_url"]),
                ["secondary_url"] = Nullable(form["secondary_url"]),
                ["on_auth_creation"] = form["on_auth_creation"] == "on",
                ["on_auth_refresh_error"] = form["on_auth_refresh_error"] == "on",
            },
        };
        var patch = SettingsRequests.ReadPatch(JsonSerializer.SerializeToElement(body));
        if (patch.Failed)
        {
            var problems = string.Join("; ", patch.Error!.Errors?.Select(i => $"{string.Join('.', i.Path)}: {i.Message}") ?? [patch.Error.Message ?? "invalid"]);
            return await RenderAsync(ctx with { Problem = "Not saved. " + problems }, store, null, null, cancellationToken, StatusCodes.Status400BadRequest);
        }

        await changes.ApplyAsync(ctx.Environment.Id, patch.Value!, ctx.Actor, cancellationToken);
        return Results.Redirect(ctx.Url("settings") + "?done=Settings+saved.");
    }

    /// <summary>A new secret key takes effect at once: the old one is refused from the next request.</summary>
    public static async Task<IResult> RotateSecretKeyAsync(string env, IFormCollection form, HttpContext http, DashboardContexts contexts, EnvironmentStore store,
        EnvironmentDirectory directory, AuditTrail audit, CancellationToken cancellationToken)
    {
        _ = form;
        if (await contexts.ForAsync(http, env, "settings", cancellationToken) is not { } ctx)
        {
            return DashboardAccess.NotFoundPage();
        }

        var key = KeyFormats.NewSecretKey();
        await store.SetSecretKeyAsync(ctx.Environment.Id, key, cancellationToken);
        await directory.ForgetEverywhereAsync(ctx.Environment.Id, cancellationToken);
        await audit.RecordAsync(ctx.Actor, AuditActions.SecretKeyRotated, ctx.Environment.Id, null, cancellationToken);
        return await RenderAsync(ctx with { Notice = "Secret key rotated. Update your backend: the old key no longer works." }, store, key, null, cancellationToken);
    }

    public static async Task<IResult> RotateSigningKeyAsync(string env, IFormCollection form, HttpContext http, DashboardContexts contexts, EnvironmentStore store,
        SettingsChanges changes, CancellationToken cancellationToken)
    {
        _ = form;
        if (await contexts.ForAsync(http, env, "settings", cancellationToken) is not { } ctx)
        {
            return DashboardAccess.NotFoundPage();
        }

        var key = await changes.RotateSigningKeyAsync(ctx.Environment.Id, ctx.Actor, cancellationToken);
        return await RenderAsync(ctx with { Notice = "Webhook signing key rotated. Receivers must verify with the new key." }, store, null, key, cancellationToken);
    }

    private static async Task<IResult> RenderAsync(DashboardContext ctx, EnvironmentStore store, string? newSecretKey, string? newSigningKey, CancellationToken cancellationToken,
        int status = StatusCodes.Status200OK, bool revealed = false)
    {
        var id = ctx.Environment.Id;
        var settings = await store.GetSettingsAsync(id, cancellationToken);
        var secret = await store.RevealSecretKeyAsync(id, cancellationToken);
        var ui = settings.ConnectUi;
        var view = new SettingsPage.View(
            SecretKey: revealed ? secret : secret[..Math.Min(10, secret.Length)] + new string('•', 12) + secret[^4..],
            SecretRevealed: revealed,
            PublicKey: ctx.Environment.PublicKey,
            NewSecretKey: newSecretKey,
            SeparateSigningKey: await store.HasSeparateSigningKeyAsync(id, cancellationToken),
            NewSigningKey: newSigningKey,
            LightPrimary: ui["theme"]?["light"]?["primary"]?.GetValue<string>() ?? EnvironmentSettings.DefaultPrimary,
            DarkPrimary: ui["theme"]?["dark"]?["primary"]?.GetValue<string>() ?? EnvironmentSettings.DefaultPrimary,
            DefaultTheme: ui["defaultTheme"]?.GetValue<string>() ?? "system",
            ShowWatermark: ui["showWatermark"]?.GetValue<bool>() ?? false,
            Strings: ui["strings"]?.ToJsonString() ?? "{}",
            AllowedOrigins: string.Join('\n', settings.AllowedOrigins),
            CallbackUrl: ctx.Environment.CallbackUrl,
            ConnectionLimit: ctx.Environment.ConnectionLimit,
            Webhooks: settings.Webhooks);
        return DashboardAccess.Page<SettingsPage>(ctx, view, status);
    }

    private static string? Nullable(Microsoft.Extensions.Primitives.StringValues value) =>
        string.IsNullOrWhiteSpace(value.ToString()) ? null : value.ToString().Trim();
}
