using System.Text.Json.Nodes;
using Latchkey.Server.Hosting;
using Latchkey.Server.Hosting.Authentication;
using Latchkey.Server.Hosting.Validation;
using Latchkey.Server.Integrations;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Latchkey.Server.Connections;

public static class ConnectionsEndpoints
{
    /// <summary><c>GET /connections/:id</c>: the connection object at top level, credentials opened (spec §4.6).</summary>
    public static async Task<Results<Ok<JsonObject>, ApiError>> GetConnectionAsync(
        string connectionId, Caller caller, HttpRequest request, ConnectionStore store, IntegrationStore integrations,
        CredentialReader reader, FetchStamps fetchStamps, CancellationToken cancellationToken)
    {
        var options = ConnectionRequests.ReadGetQuery(request.Query);
        if (options.Failed)
        {
            return options.Error;
        }

        var connection = await store.FindForReadAsync(caller.EnvironmentId, options.Value.IntegrationKey, connectionId, cancellationToken);
        if (connection is null)
        {
            return await integrations.FindAsync(caller.EnvironmentId, options.Value.IntegrationKey, cancellationToken) is null
                ? ApiError.BadRequest(ErrorCodes.UnknownProviderConfig, $"Integration '{options.Value.IntegrationKey}' does not exist.")
                : ApiError.NotFound($"Connection '{connectionId}' does not exist for integration '{options.Value.IntegrationKey}'.");
        }

        var read = await reader.ReadAsync(connection, options.Value.ForceRefresh, cancellationToken);
        if (read.Failed)
        {
            return read.Error;
        }

        var fetchedAt = fetchStamps.Note(connection.Id);
        return TypedResults.Ok(ConnectionView.Full(read.Value.Connection, read.Value.Credentials, options.Value.RefreshToken, fetchedAt));
    }

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
        string connectionId, Caller caller, HttpRequest request, ConnectionStore store, CancellationToken cancellationToken)
    {
        var key = ConnectionRequests.ReadIntegrationKeyQuery(request.Query);
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
        return TypedResults.Ok(new JsonObject { ["success"] = deleted });
    }

    public static async Task<Results<Ok<JsonObject>, ApiError>> PatchConnectionAsync(
        string connectionId, Caller caller, HttpRequest request, ConnectionStore store, IntegrationStore integrations,
        ConnectionWriter writer, CancellationToken cancellationToken)
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
            return await integrations.FindAsync(caller.EnvironmentId, key.Value, cancellationToken) is null
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
