using Latchkey.Server.Dashboard.Pages;
using Latchkey.Server.Hosting;
using Latchkey.Server.Integrations;
using Latchkey.Server.Providers;

namespace Latchkey.Server.Dashboard;

/// <summary>
/// The integration forms: create (asking what the provider's auth mode needs) and edit. Each form becomes the body the
/// API would get and is checked by <see cref="IntegrationRequests"/>, so a refusal reads the same in both places.
/// </summary>
public static class IntegrationFormPages
{
    private static readonly IReadOnlySet<string> NoSecrets = new HashSet<string>();

    public static async Task<IResult> NewAsync(string env, string provider, HttpContext http, DashboardContexts contexts, IntegrationStore store, ProviderCatalog catalog,
        PublicUrls urls, CancellationToken cancellationToken)
    {
        if (await contexts.ForAsync(http, env, "integrations", cancellationToken) is not { } ctx || catalog.Find(provider) is not { } found)
        {
            return DashboardAccess.NotFoundPage();
        }

        var existing = await ExistingAsync(ctx, found, store, cancellationToken);
        var values = new Dictionary<string, string?>(StringComparer.Ordinal)
        {
            ["unique_key"] = FreeKey(found.Name, existing),
            ["scopes"] = IntegrationFields.DefaultScopes(found),
        };
        return DashboardAccess.Page<NewIntegrationPage>(ctx, NewView(ctx, found, existing, urls, new IntegrationForm(IntegrationFields.For(found.AuthMode), values,
            new Dictionary<string, string>(), NoSecrets)));
    }

    public static async Task<IResult> CreateAsync(string env, IFormCollection form, HttpContext http, DashboardContexts contexts, IntegrationStore store, ProviderCatalog catalog,
        PublicUrls urls, IntegrationAudit audit, CancellationToken cancellationToken)
    {
        if (await contexts.ForAsync(http, env, "integrations", cancellationToken) is not { } ctx)
        {
            return DashboardAccess.NotFoundPage();
        }

        if (catalog.Find(form["provider"].ToString()) is not { } provider)
        {
            return await IntegrationPages.RenderListAsync(ctx with { Problem = $"Provider '{form["provider"]}' is not in the catalog." }, store, catalog, urls, cancellationToken,
                StatusCodes.Status400BadRequest);
        }

        var fields = IntegrationFields.For(provider.AuthMode);
        var input = IntegrationRequests.ReadCreate(IntegrationFields.CreateBody(provider, form), catalog);
        var (errors, other) = input.Failed ? IntegrationFields.Problems(input.Error, fields) : (new Dictionary<string, string>(), []);
        var created = input.Failed ? null : await store.CreateAsync(ctx.Environment.Id, input.Value, cancellationToken);
        if (!input.Failed && created is null)
        {
            errors = new Dictionary<string, string> { ["unique_key"] = $"An integration with the key '{input.Value.UniqueKey}' exists already: choose another key." };
        }

        if (created is null)
        {
            var problem = string.Join(' ', ["Not created: correct the fields marked below.", .. other]);
            var existing = await ExistingAsync(ctx, provider, store, cancellationToken);
            return DashboardAccess.Page<NewIntegrationPage>(ctx with { Problem = problem },
                NewView(ctx, provider, existing, urls, IntegrationForm.Posted(fields, form, errors, NoSecrets)), StatusCodes.Status400BadRequest);
        }

        await audit.CreatedAsync(ctx.Actor, created, cancellationToken);
        return Results.Redirect(ctx.Url("integrations") + "?done=" + Uri.EscapeDataString($"Integration {created.UniqueKey} created."));
    }

    public static async Task<IResult> EditAsync(string env, string key, HttpContext http, DashboardContexts contexts, IntegrationStore store, ProviderCatalog catalog, PublicUrls urls, CancellationToken cancellationToken)
    {
        if (await contexts.ForAsync(http, env, "integrations", cancellationToken) is not { } ctx ||
            await store.FindAsync(ctx.Environment.Id, key, cancellationToken) is not { } integration)
        {
            return DashboardAccess.NotFoundPage();
        }

        var values = new Dictionary<string, string?>(StringComparer.Ordinal)
        {
            ["display_name"] = integration.DisplayName,
            ["client_id"] = integration.ClientId,
            ["scopes"] = integration.Scopes,
            ["app_id"] = integration.AppId,
            ["app_link"] = integration.AppLink,
        };
        var provider = catalog.Find(integration.Provider);
        var form = new IntegrationForm(IntegrationFields.For(provider?.AuthMode ?? ""), values, new Dictionary<string, string>(), StoredSecrets(integration));
        return DashboardAccess.Page<IntegrationPage>(ctx with { Notice = IntegrationPages.Notice(http) }, EditView(ctx, integration, provider, urls, form));
    }

    public static async Task<IResult> UpdateAsync(string env, string key, IFormCollection form, HttpContext http, DashboardContexts contexts, IntegrationStore store, ProviderCatalog catalog,
        PublicUrls urls, IntegrationAudit audit, CancellationToken cancellationToken)
    {
        if (await contexts.ForAsync(http, env, "integrations", cancellationToken) is not { } ctx ||
            await store.FindAsync(ctx.Environment.Id, key, cancellationToken) is not { } integration)
        {
            return DashboardAccess.NotFoundPage();
        }

        var provider = catalog.Find(integration.Provider);
        var fields = IntegrationFields.For(provider?.AuthMode ?? "");
        var input = IntegrationRequests.ReadUpdate(IntegrationFields.UpdateBody(provider, form, store.OpenSecrets(integration)), provider);
        if (input.Failed)
        {
            var (errors, other) = IntegrationFields.Problems(input.Error, fields);
            var problem = string.Join(' ', ["Not saved: correct the fields marked below.", .. other]);
            return DashboardAccess.Page<IntegrationPage>(ctx with { Problem = problem },
                EditView(ctx, integration, provider, urls, IntegrationForm.Posted(fields, form, errors, StoredSecrets(integration))), StatusCodes.Status400BadRequest);
        }

        await store.UpdateAsync(integration, input.Value, cancellationToken);
        await audit.UpdatedAsync(ctx.Actor, integration, (await store.GetAsync(integration.Id, cancellationToken))!, cancellationToken);
        return Results.Redirect(ctx.Url("integrations/" + Uri.EscapeDataString(key)) + "?done=Saved.");
    }

    private static NewIntegrationPage.View NewView(DashboardContext ctx, Provider provider, IReadOnlyList<string> existing, PublicUrls urls, IntegrationForm form) =>
        new(provider.Name, provider.DisplayName, provider.AuthMode, existing, CallbackUrl(ctx, provider, urls), form);

    private static IntegrationPage.View EditView(DashboardContext ctx, Integration integration, Provider? provider, PublicUrls urls, IntegrationForm form) =>
        new(integration.UniqueKey, integration.Provider, provider?.DisplayName ?? integration.Provider, provider?.AuthMode ?? "", CallbackUrl(ctx, provider, urls), form);

    private static string? CallbackUrl(DashboardContext ctx, Provider? provider, PublicUrls urls) =>
        provider is not null && IntegrationFields.UsesCallback(provider.AuthMode) ? ctx.Environment.CallbackUrl ?? urls.Callback : null;

    private static async Task<IReadOnlyList<string>> ExistingAsync(DashboardContext ctx, Provider provider, IntegrationStore store, CancellationToken cancellationToken) =>
        (await store.ListAsync(ctx.Environment.Id, cancellationToken)).Where(i => i.Provider == provider.Name).Select(i => i.UniqueKey).ToArray();

    /// <summary>The provider's name, or the first of name-2, name-3… not taken, so "Add another" starts with a key that works.</summary>
    private static string FreeKey(string name, IReadOnlyList<string> taken) =>
        Enumerable.Range(1, taken.Count + 1).Select(n => n == 1 ? name : $"{name}-{n}").First(key => !taken.Contains(key));

    private static HashSet<string> StoredSecrets(Integration integration) =>
        new[] { integration.ClientSecretSealed is null ? null : "client_secret", integration.PrivateKeySealed is null ? null : "private_key" }.OfType<string>().ToHashSet();
}
