using Latchkey.Server.Dashboard.Pages;
using Latchkey.Server.Hosting;
using Latchkey.Server.Integrations;
using Latchkey.Server.Providers;

namespace Latchkey.Server.Dashboard;

/// <summary>Integrations: list, the catalog to pick a provider from, delete. The forms are in <see cref="IntegrationFormPages"/>.</summary>
public static class IntegrationPages
{
    public static async Task<IResult> ListAsync(string env, HttpContext http, DashboardContexts contexts, IntegrationStore store, ProviderCatalog catalog, PublicUrls urls, CancellationToken cancellationToken)
    {
        if (await contexts.ForAsync(http, env, "integrations", cancellationToken) is not { } ctx)
        {
            return DashboardAccess.NotFoundPage();
        }

        return await RenderListAsync(ctx with { Notice = Notice(http) }, store, catalog, urls, cancellationToken);
    }

    /// <summary>The searchable catalog; a provider already added shows its integrations instead of a plain Create.</summary>
    public static async Task<IResult> CatalogAsync(string env, string? q, HttpContext http, DashboardContexts contexts, IntegrationStore store, ProviderCatalog catalog, CancellationToken cancellationToken)
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
        var added = (await store.ListAsync(ctx.Environment.Id, cancellationToken)).ToLookup(i => i.Provider, i => i.UniqueKey, StringComparer.Ordinal);
        var view = new CatalogPage.View(q, matches.Take(60).Select(p => new CatalogPage.Entry(p.Name, p.DisplayName, p.AuthMode, added[p.Name].ToArray())).ToArray(), matches.Length);
        return DashboardAccess.Page<CatalogPage>(ctx, view);
    }

    public static async Task<IResult> DeleteAsync(string env, string key, IFormCollection form, HttpContext http, DashboardContexts contexts, IntegrationStore store,
        IntegrationAudit audit, CancellationToken cancellationToken)
    {
        _ = form;
        if (await contexts.ForAsync(http, env, "integrations", cancellationToken) is not { } ctx ||
            await store.FindAsync(ctx.Environment.Id, key, cancellationToken) is not { } integration)
        {
            return DashboardAccess.NotFoundPage();
        }

        await store.DeleteAsync(integration, cancellationToken);
        await audit.DeletedAsync(ctx.Actor, integration, cancellationToken);
        return Results.Redirect(ctx.Url("integrations") + "?done=" + Uri.EscapeDataString($"Integration {key} deleted."));
    }

    /// <summary>The one-line confirmation carried by a redirect after a form (shown as text, never as HTML).</summary>
    public static string? Notice(HttpContext http) => http.Request.Query["done"].ToString() is { Length: > 0 and <= 200 } text ? text : null;

    internal static async Task<IResult> RenderListAsync(DashboardContext ctx, IntegrationStore store, ProviderCatalog catalog, PublicUrls urls, CancellationToken cancellationToken, int status = StatusCodes.Status200OK)
    {
        var items = (await store.ListAsync(ctx.Environment.Id, cancellationToken))
            .Select(i => new IntegrationsPage.Item(i.UniqueKey, i.Provider, catalog.Find(i.Provider)?.DisplayName ?? i.Provider, catalog.Find(i.Provider)?.AuthMode ?? "", i.ClientId))
            .ToArray();
        return DashboardAccess.Page<IntegrationsPage>(ctx, new IntegrationsPage.View(items, ctx.Environment.CallbackUrl ?? urls.Callback), status);
    }
}
