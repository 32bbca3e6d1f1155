using System.Text.Json.Nodes;
using Latchkey.Server.Audit;

namespace Latchkey.Server.Connections;

/// <summary>The audit entries about a connection (deleted, credentials revealed), the same from the API and the dashboard.</summary>
public static class ConnectionAudit
{
    public static Task DeletedAsync(AuditTrail trail, AuditActor actor, StoredConnection connection, CancellationToken cancellationToken) =>
        trail.RecordAsync(actor, AuditActions.ConnectionDeleted, connection.EnvironmentId, connection.ConnectionId, Describe(connection), cancellationToken);

    public static Task CredentialsRevealedAsync(AuditTrail trail, AuditActor actor, StoredConnection connection, CancellationToken cancellationToken) =>
        trail.RecordAsync(actor, AuditActions.CredentialsRevealed, connection.EnvironmentId, connection.ConnectionId, Describe(connection), cancellationToken);

    private static JsonObject Describe(StoredConnection connection) => new()
    {
        ["integration"] = connection.IntegrationKey,
        ["end_user_id"] = connection.EndUserId,
    };
}
