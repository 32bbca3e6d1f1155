using System.Text.Json.Nodes;
using Latchkey.Server.Callers;
using Latchkey.Server.Connections;
using Latchkey.Server.Hosting;
using Latchkey.Server.Integrations;
using Latchkey.Server.Providers;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Latchkey.Server.Refresh;

/// <summary>The read a backend makes most: one connection with credentials that are fresh when it gets them.</summary>
public static class FreshConnectionEndpoint
{
    /// <summary><c>GET /connections/:id</c>: the connection object at top level, credentials opened (spec §4.6).</summary>
    public static async Task<Results<Ok<JsonObject>, ApiError>> GetConnectionAsync(
        string connectionId, Caller caller, HttpRequest request, ConnectionStore store, IntegrationStore integrations,
        CredentialReader reader, FetchStamps fetchStamps, ProviderCatalog catalog, CancellationToken cancellationToken)
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

        // refresh_github_app_jwt_token forces a new installation token (signed with a new app JWT) for APP connections only.
        var force = options.Value.ForceRefresh ||
            (options.Value.RefreshGitHubAppJwtToken && catalog.Find(connection.Provider)?.AuthMode == AuthModes.App);
        var read = await reader.ReadAsync(connection, force, cancellationToken);
        if (read.Failed)
        {
            return read.Error;
        }

        var fetchedAt = fetchStamps.Note(connection.Id);
        return TypedResults.Ok(ConnectionView.Full(read.Value.Connection, read.Value.Credentials, options.Value.RefreshToken, fetchedAt));
    }
}
