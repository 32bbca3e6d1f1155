using System.Text.Json.Nodes;
using Latchkey.Server.Audit;
using Latchkey.Server.Callers;
using Latchkey.Server.Connections;
using Latchkey.Server.Hosting;
using Latchkey.Server.Hosting.Validation;
using Latchkey.Server.Providers;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Latchkey.Server.Integrations;

public static class IntegrationsEndpoints
{
    public static async Task<Results<Ok<JsonObject>, ApiError>> ListIntegrationsAsync(
        Caller caller, HttpRequest request, IntegrationStore store, IntegrationView view, CancellationToken cancellationToken)
    {
        if (QueryRules.RejectUnknown(request.Query) is { } error)
        {
            return error;
        }

        var integrations = await store.ListAsync(caller.EnvironmentId, cancellationToken);
        var visible = integrations.Where(i => caller.Session?.Allows(i.UniqueKey) ?? true);
        return TypedResults.Ok(new JsonObject { ["data"] = new JsonArray(visible.Select(i => (JsonNode)view.Build(i)).ToArray()) });
    }

    public static async Task<Results<Ok<JsonObject>, ApiError>> GetIntegrationAsync(
        string uniqueKey, Caller caller, HttpContext http, IntegrationStore store, IntegrationView view, IntegrationAudit audit, CancellationToken cancellationToken)
    {
        var request = http.Request;
        if (QueryRules.RejectUnknown(request.Query, "include") is { } error)
        {
            return error;
        }

        var include = request.Query["include"].SelectMany(v => (v ?? "").Split(',')).ToHashSet(StringComparer.Ordinal);
        if (include.Except(["webhook", "credentials"]).FirstOrDefault() is { } unknown)
        {
            return ApiError.Invalid(ErrorCodes.InvalidQueryParams,
                [new ValidationIssue(IssueCodes.InvalidValue, $"include may be 'webhook' or 'credentials', not '{unknown}'.", ["include"])]);
        }

        var integration = await store.FindAsync(caller.EnvironmentId, uniqueKey, cancellationToken);
        if (integration is null)
        {
            return ApiError.NotFound($"Integration '{uniqueKey}' does not exist.");
        }

        if (include.Contains("credentials"))
        {
            await audit.CredentialsRevealedAsync(AuditActor.SecretKey(caller, http), integration, cancellationToken);
        }

        return TypedResults.Ok(new JsonObject
        {
            ["data"] = view.Build(integration, include.Contains("webhook"), include.Contains("credentials"), caller.Environment.Uid),
        });
    }

    public static async Task<Results<Ok<JsonObject>, ApiError>> CreateIntegrationAsync(
        Caller caller, HttpContext http, IntegrationStore store, IntegrationView view, ProviderCatalog catalog, IntegrationAudit audit, CancellationToken cancellationToken)
    {
        var body = await JsonBody.ReadAsync(http.Request, cancellationToken);
        if (body.Failed)
        {
            return body.Error;
        }

        var input = IntegrationRequests.ReadCreate(body.Value, catalog);
        if (input.Failed)
        {
            return input.Error;
        }

        var created = await store.CreateAsync(caller.EnvironmentId, input.Value, cancellationToken);
        if (created is null)
        {
            return ApiError.InvalidBody($"An integration with the key '{input.Value.UniqueKey}' already exists.", "uniqueKey");
        }

        await audit.CreatedAsync(AuditActor.SecretKey(caller, http), created, cancellationToken);
        return TypedResults.Ok(new JsonObject { ["data"] = view.Build(created) });
    }

    public static async Task<Results<Ok<JsonObject>, ApiError>> UpdateIntegrationAsync(
        string uniqueKey, Caller caller, HttpContext http, IntegrationStore store, IntegrationView view, ProviderCatalog catalog, ConnectionStore connections,
        IntegrationAudit audit, CancellationToken cancellationToken)
    {
        var body = await JsonBody.ReadAsync(http.Request, cancellationToken);
        if (body.Failed)
        {
            return body.Error;
        }

        var integration = await store.FindAsync(caller.EnvironmentId, uniqueKey, cancellationToken);
        if (integration is null)
        {
            return ApiError.NotFound($"Integration '{uniqueKey}' does not exist.");
        }

        var input = IntegrationRequests.ReadUpdate(body.Value, catalog.Find(integration.Provider));
        if (input.Failed)
        {
            return input.Error;
        }

        var renamed = input.Value.UniqueKey is { } newKey && newKey != integration.UniqueKey;
        if (renamed && await connections.CountLiveOfIntegrationAsync(integration.Id, cancellationToken) > 0)
        {
            return ApiError.InvalidBody("An integration with connections cannot be renamed.", "unique_key");
        }

        if (!await store.UpdateAsync(integration, input.Value, cancellationToken))
        {
            return ApiError.InvalidBody($"An integration with the key '{input.Value.UniqueKey}' already exists.", "uniqueKey");
        }

        var updated = await store.GetAsync(integration.Id, cancellationToken);
        await audit.UpdatedAsync(AuditActor.SecretKey(caller, http), integration, updated!, cancellationToken);
        return TypedResults.Ok(new JsonObject { ["data"] = view.Build(updated!) });
    }

    public static async Task<Results<Ok<JsonObject>, ApiError>> DeleteIntegrationAsync(
        string uniqueKey, Caller caller, HttpContext http, IntegrationStore store, IntegrationAudit audit, CancellationToken cancellationToken)
    {
        var integration = await store.FindAsync(caller.EnvironmentId, uniqueKey, cancellationToken);
        if (integration is null)
        {
            return ApiError.NotFound($"Integration '{uniqueKey}' does not exist.");
        }

        await store.DeleteAsync(integration, cancellationToken);
        await audit.DeletedAsync(AuditActor.SecretKey(caller, http), integration, cancellationToken);
        return TypedResults.Ok(new JsonObject { ["success"] = true });
    }
}
