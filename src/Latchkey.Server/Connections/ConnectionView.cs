using System.Text.Json.Nodes;
using Latchkey.Server.Hosting;
using Latchkey.Server.Providers;

namespace Latchkey.Server.Connections;

/// <summary>The connection objects of spec §4.6: the full one of <c>GET /connections/:id</c> and the list item.</summary>
public static class ConnectionView
{
    /// <param name="connection">The row.</param>
    /// <param name="credentials">Opened credentials, or null to answer <c>{}</c>.</param>
    /// <param name="includeRefreshToken">The caller asked for <c>refresh_token=true</c>.</param>
    /// <param name="lastFetchedAt">The fetch being recorded now.</param>
    public static JsonObject Full(StoredConnection connection, JsonObject? credentials, bool includeRefreshToken, long? lastFetchedAt)
    {
        var config = connection.ConnectionConfigObject();
        var shaped = credentials is null ? [] : Shape(credentials);
        if (!includeRefreshToken)
        {
            CredentialShapes.StripRefreshTokens(shaped);
            CredentialShapes.StripRefreshTokens(config);
        }

        var result = Common(connection);
        result["connection_config"] = config;
        result["webhook_url_override"] = connection.WebhookUrlOverride;
        result["created_at"] = Timestamps.Format(connection.CreatedAt);
        result["updated_at"] = Timestamps.Format(connection.UpdatedAt);
        result["last_fetched_at"] = Timestamps.Format(lastFetchedAt ?? connection.LastFetchedAt);
        result["credentials"] = shaped;
        return result;
    }

    public static JsonObject ListItem(StoredConnection connection)
    {
        var result = Common(connection);
        result["created"] = Timestamps.Format(connection.CreatedAt);
        return result;
    }

    private static JsonObject Common(StoredConnection connection) => new()
    {
        ["id"] = connection.Id,
        ["connection_id"] = connection.ConnectionId,
        ["provider_config_key"] = connection.IntegrationKey,
        ["provider"] = connection.Provider,
        ["errors"] = Errors(connection),
        ["end_user"] = EndUser(connection),
        ["tags"] = ParseObject(connection.Tags) ?? [],
        ["metadata"] = ParseObject(connection.Metadata),
    };

    /// <summary>Credential-less modes answer <c>{}</c>; the rest are stored in their wire shape already.</summary>
    private static JsonObject Shape(JsonObject credentials) =>
        credentials.GetString("type") == AuthModes.None ? [] : credentials;

    private static JsonArray Errors(StoredConnection connection) =>
        connection.LastRefreshFailureAt is not null && connection.LastRefreshFailureAt > (connection.LastRefreshSuccessAt ?? 0)
            ? [new JsonObject { ["type"] = "auth", ["log_id"] = connection.LastRefreshError }]
            : [];

    private static JsonObject? EndUser(StoredConnection connection) => connection.EndUserId is null ? null : new JsonObject
    {
        ["id"] = connection.EndUserId,
        ["display_name"] = connection.EndUserDisplayName,
        ["email"] = connection.EndUserEmail,
        ["tags"] = ParseObject(connection.EndUserTags),
        ["organization"] = connection.EndUserOrganizationId is null ? null : new JsonObject
        {
            ["id"] = connection.EndUserOrganizationId,
            ["display_name"] = connection.EndUserOrganizationDisplayName,
        },
    };

    private static JsonObject? ParseObject(string? json) => json is null ? null : JsonNode.Parse(json) as JsonObject;
}
