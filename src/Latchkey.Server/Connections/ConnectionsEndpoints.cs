using System.Text.Json.Nodes;
using Latchkey.Server.Audit;
using Latchkey.Server.Callers;
using Latchkey.Server.Hosting;
using Latchkey.Server.Hosting.Validation;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Latchkey.Server.Connections;

public static class ConnectionsEndpoints
{
    public static async Task<Results<Ok<JsonObject>, ApiError>> ListConnectionsAsync(
        Caller caller, HttpRequest request, ConnectionStore store, CancellationToken cancellationToken)
    {
        var filter = ConnectionRequests.ReadListQuery(request.Query);
        if (filter.Failed)
        {
            return filter.Error;
        }

        var connections = await store.ListAsync(caller.EnvironmentId, filter.Value, cancellationToken);
        return TypedResults.Ok(new JsonObject
        {
            ["connections"] = new JsonArray(connections.Select(c => (JsonNode)ConnectionView.ListItem(c)).ToArray()),
        });
    }

    public static async Task<Results<Ok<JsonObject>, ApiError>> DeleteConnectionAsync(
        string connectionId, Caller caller, HttpContext http, ConnectionStore store, AuditTrail audit, CancellationToken cancellationToken)
    {
        var key = ConnectionRequests.ReadIntegrationKeyQuery(http.Request.Query);
        if (key.Failed)
        {
            return key.Error;
        }

        var connection = await store.FindAsync(caller.EnvironmentId, key.Value, connectionId, cancellationToken);
        if (connection is null)
        {
            return ApiError.BadRequest(ErrorCodes.UnknownConnection, $"Connection '{connectionId}' does not exist for integration '{key.Value}'.");
        }

        var deleted = await store.SoftDeleteAsync(connection.Id, cancellationToken);
        if (deleted)
        {
            await ConnectionAudit.DeletedAsync(audit, AuditActor.SecretKey(caller, http), connection, cancellationToken);
        }

        return TypedResults.Ok(new JsonObject { ["success"] = deleted });
    }

    public static async Task<Results<Ok<JsonObject>, ApiError>> PatchConnectionAsync(
        string connectionId, Caller caller, HttpRequest request, ConnectionStore store, ConnectionWriter writer, CancellationToken cancellationToken)
    {
        var key = ConnectionRequests.ReadIntegrationKeyQuery(request.Query);
        if (key.Failed)
        {
            return key.Error;
        }

        var body = await JsonBody.ReadAsync(request, cancellationToken);
        if (body.Failed)
        {
            return body.Error;
        }

        var patch = ConnectionRequests.ReadPatch(body.Value);
        if (patch.Failed)
        {
            return patch.Error;
        }

        var connection = await store.FindAsync(caller.EnvironmentId, key.Value, connectionId, cancellationToken);
        if (connection is null)
        {
            return !await store.HasIntegrationAsync(caller.EnvironmentId, key.Value, cancellationToken)
                ? ApiError.BadRequest(ErrorCodes.UnknownProviderConfig, $"Integration '{key.Value}' does not exist.")
                : ApiError.NotFound($"Connection '{connectionId}' does not exist for integration '{key.Value}'.");
        }

        await writer.PatchAsync(connection, patch.Value.EndUser, patch.Value.Tags, patch.Value.WebhookUrlOverride, cancellationToken);
        return TypedResults.Ok(new JsonObject { ["success"] = true });
    }

    /// <summary><c>POST</c> replaces (201), <c>PATCH</c> merges (200); both echo the request body.</summary>
    public static async Task<IResult> SetMetadataAsync(Caller caller, HttpRequest request, ConnectionStore store, CancellationToken cancellationToken)
    {
        var body = await JsonBody.ReadAsync(request, cancellationToken);
        if (body.Failed)
        {
            return body.Error;
        }

        var change = ConnectionRequests.ReadMetadata(body.Value);
        if (change.Failed)
        {
            return change.Error;
        }

        var merge = HttpMethods.IsPatch(request.Method);
        var missing = await store.SetMetadataAsync(caller.EnvironmentId, change.Value.IntegrationKey, change.Value.ConnectionIds, change.Value.Metadata, merge, cancellationToken);
        if (missing is not null)
        {
            return new ApiError(StatusCodes.Status404NotFound, ErrorCodes.UnknownConnection, $"Connection '{missing}' does not exist; no metadata was changed.");
        }

        var echo = JsonNode.Parse(body.Value.GetRawText());
        return merge ? TypedResults.Ok(echo) : TypedResults.Created((string?)null, echo);
    }

    /// <summary>Legacy <c>POST|PATCH /connection/:id/metadata</c>: key in a header or the query, raw metadata as body.</summary>
    public static async Task<IResult> SetLegacyMetadataAsync(string connectionId, Caller caller, HttpRequest request, ConnectionStore store, CancellationToken cancellationToken)
    {
        var key = request.Headers["Provider-Config-Key"].ToString() is { Length: > 0 } header ? header : QueryRules.Last(request.Query, "provider_config_key");
        if (string.IsNullOrEmpty(key))
        {
            return ApiError.Invalid(ErrorCodes.InvalidHeaders, [new ValidationIssue(IssueCodes.InvalidType, "Provider-Config-Key is required", ["provider-config-key"])]);
        }

        var body = await JsonBody.ReadAsync(request, cancellationToken);
        if (body.Failed)
        {
            return body.Error;
        }

        if (JsonNode.Parse(body.Value.GetRawText()) is not JsonObject metadata)
        {
            return ApiError.InvalidBody("The body must be a JSON object.");
        }

        var merge = HttpMethods.IsPatch(request.Method);
        var missing = await store.SetMetadataAsync(caller.EnvironmentId, key, [connectionId], metadata, merge, cancellationToken);
        return missing is not null
            ? new ApiError(StatusCodes.Status404NotFound, ErrorCodes.UnknownConnection, $"Connection '{connectionId}' does not exist.")
            : TypedResults.Ok(new JsonObject { ["success"] = true });
    }
}
