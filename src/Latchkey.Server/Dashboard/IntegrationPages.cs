using Latchkey.Server.Dashboard.Pages;
using Latchkey.Server.Hosting;
using Latchkey.Server.Hosting.Validation;
using Latchkey.Server.Integrations;
using Latchkey.Server.Providers;

namespace Latchkey.Server.Dashboard;

/// <summary>Integrations: list, create from the catalog, edit the OAuth app, delete.</summary>
public static class IntegrationPages
{
    private static readonly string[] OAuthModes = ["OAUTH1", "OAUTH2", "OAUTH2_CC", "APP", "CUSTOM"];

    public static async Task<IResult> ListAsync(string env, HttpContext http, DashboardContexts contexts, IntegrationStore store, ProviderCatalog catalog, PublicUrls urls, CancellationToken cancellationToken)
    {
        if (await contexts.ForAsync(http, env, "integrations", cancellationToken) is not { } ctx)
        {
            return DashboardAccess.NotFoundPage();
        }

        return await RenderListAsync(ctx with { Notice = Notice(http) }, store, catalog, urls, cancellationToken);
    }

    public static async Task<IResult> CatalogAsync(string env, string? q, HttpContext http, DashboardContexts contexts, ProviderCatalog catalog, CancellationToken cancellationToken)
    {
        if (await contexts.ForAsync(http, env, "integrations", cancellationToken) is not { } ctx)
        {
            return DashboardAccess.NotFoundPage();
        }

        var words = (q ?? "").Split(' ', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        var matches = catalog.All
            .Where(p => words.All(w => p.Name.Contains(w, StringComparison.OrdinalIgnoreCase) || p.DisplayName.Contains(w, StringComparison.OrdinalIgnoreCase)
                || p.AuthMode.Replace('_', ' ').Contains(w, StringComparison.OrdinalIgnoreCase)))
            .OrderBy(p => p.DisplayName, StringComparer.OrdinalIgnoreCase)
            .ToArray();
        var view = new CatalogPage.View(q, matches.Take(60).Select(p => new CatalogPage.Entry(p.Name, p.DisplayName, p.AuthMode)).ToArray(), matches.Length);
        return DashboardAccess.Page<CatalogPage>(ctx, view);
    }

    public static async Task<IResult> CreateAsync(string env, IFormCollection form, HttpContext http, DashboardContexts contexts, IntegrationStore store, ProviderCatalog catalog, PublicUrls urls, CancellationToken cancellationToken)
    {
        if (await contexts.ForAsync(http, env, "integrations", cancellationToken) is not { } ctx)
        {
            return DashboardAccess.NotFoundPage();
        }

        var provider = form["provider"].ToString();
        var key = form["unique_key"].ToString().Trim();
        string? problem = null;
        if (!catalog.TryGet(provider, out _))
        {
            problem = $"Provider '{provider}' is not in the catalog.";
        }
        else if (key.Length is 0 or > InputLimits.Name || !Identifiers.IntegrationKeyPattern().IsMatch(key))
        {
            problem = "The unique key may use letters, digits, spaces and ~:.@_- (1 to 255 characters).";
        }
        else if (await store.CreateAsync(ctx.Environment.Id, new IntegrationInput(key, provider, null, null, null, null, null), cancellationToken) is null)
        {
            problem = $"An integration with the key '{key}' exists already.";
        }

        if (problem is not null)
        {
            return await RenderListAsync(ctx with { Problem = problem }, store, catalog, urls, cancellationToken, StatusCodes.Status400BadRequest);
        }

        return Results.Redirect(ctx.Url("integrations") + "?done=" + Uri.EscapeDataString($"Integration {key} created."));
    }

    public static async Task<IResult> EditAsync(string env, string key, HttpContext http, DashboardContexts contexts, IntegrationStore store, ProviderCatalog catalog, PublicUrls urls, CancellationToken cancellationToken)
    {
        if (await contexts.ForAsync(http, env, "integrations", cancellationToken) is not { } ctx ||
            await store.FindAsync(ctx.Environment.Id, key, cancellationToken) is not { } integration)
        {
            return DashboardAccess.NotFoundPage();
        }

        var provider = catalog.Find(integration.Provider);
        return DashboardAccess.Page<IntegrationPage>(ctx with { Notice = Notice(http) }, new IntegrationPage.View(
            integration.UniqueKey, integration.Provider, provider?.DisplayName ?? integration.Provider, provider?.AuthMode ?? "",
            integration.DisplayName, integration.ClientId, integration.ClientSecretSealed is not null, integration.Scopes,
            ctx.Environment.CallbackUrl ?? urls.Callback));
    }

    public static async Task<IResult> UpdateAsync(string env, string key, IFormCollection form, HttpContext http, DashboardContexts contexts, IntegrationStore store, ProviderCatalog catalog, CancellationToken cancellationToken)
    {
        if (await contexts.ForAsync(http, env, "integrations", cancellationToken) is not { } ctx ||
            await store.FindAsync(ctx.Environment.Id, key, cancellationToken) is not { } integration)
        {
            return DashboardAccess.NotFoundPage();
        }

        var mode = catalog.Find(integration.Provider)?.AuthMode ?? "";
        IntegrationCredentialsInput? credentials = null;
        if (OAuthModes.Contains(mode))
        {
            // Fields the form does not show keep their values.
            var secrets = store.OpenSecrets(integration);
            var newSecret = form["client_secret"].ToString();
            credentials = new IntegrationCredentialsInput(mode, Blank(form["client_id"]), newSecret.Length > 0 ? newSecret : secrets.ClientSecret,
                Blank(form["scopes"]), secrets.WebhookSecret, integration.AppId, integration.AppLink, secrets.PrivateKey);
        }

        await store.UpdateAsync(integration, new IntegrationInput(null, null, Blank(form["display_name"]), null, credentials, null, null), cancellationToken);
        return Results.Redirect(ctx.Url("integrations/" + Uri.EscapeDataString(key)) + "?done=Saved.");
    }

    public static async Task<IResult> DeleteAsync(string env, string key, IFormCollection form, HttpContext http, DashboardContexts contexts, IntegrationStore store, CancellationToken cancellationToken)
    {
        _ = form;
        if (await contexts.ForAsync(http, env, "integrations", cancellationToken) is not { } ctx ||
            await store.FindAsync(ctx.Environment.Id, key, cancellationToken) is not { } integration)
        {
            return DashboardAccess.NotFoundPage();
        }

        await store.DeleteAsync(integration, cancellationToken);
        return Results.Redirect(ctx.Url("integrations") + "?done=" + Uri.EscapeDataString($"Integration {key} deleted."));
    }

    /// <summary>The one-line confirmation carried by a redirect after a form (shown as text, never as HTML).</summary>
    public static string? Notice(HttpContext http) => http.Request.Query["done"].ToString() is { Length: > 0 and <= 200 } text ? text : null;

    private static async Task<IResult> RenderListAsync(DashboardContext ctx, IntegrationStore store, ProviderCatalog catalog, PublicUrls urls, CancellationToken cancellationToken, int status = StatusCodes.Status200OK)
    {
        var items = (await store.ListAsync(ctx.Environment.Id, cancellationToken))
            .Select(i => new IntegrationsPage.Item(i.UniqueKey, i.Provider, catalog.Find(i.Provider)?.DisplayName ?? i.Provider, catalog.Find(i.Provider)?.AuthMode ?? "", i.ClientId))
            .ToArray();
        return DashboardAccess.Page<IntegrationsPage>(ctx, new IntegrationsPage.View(items, ctx.Environment.CallbackUrl ?? urls.Callback), status);
    }

    private static string? Blank(Microsoft.Extensions.Primitives.StringValues value) => string.IsNullOrWhiteSpace(value.ToString()) ? null : value.ToString().Trim();
}
