using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Latchkey.Server.ConnectSessions;
using Latchkey.Server.Hosting;
using Latchkey.Server.Hosting.Validation;

namespace Latchkey.Server.Connections;

/// <summary>Query and body validation for the connection endpoints (spec §4.6).</summary>
public static class ConnectionRequests
{
    /// <summary><paramref name="RefreshGitHubAppJwtToken"/>: mint a GitHub App connection's installation token anew now.</summary>
    public sealed record ReadOptions(string IntegrationKey, bool RefreshToken, bool ForceRefresh, bool RefreshGitHubAppJwtToken = false);

    public static Outcome<ReadOptions> ReadGetQuery(IQueryCollection query)
    {
        if (QueryRules.RejectUnknown(query, "provider_config_key", "refresh_token", "force_refresh", "refresh_github_app_jwt_token") is { } error)
        {
            return error;
        }

        var validator = new Validator();
        var key = QueryRules.Last(query, "provider_config_key");
        if (string.IsNullOrEmpty(key))
        {
            validator.Add(IssueCodes.InvalidType, "Required", ["provider_config_key"]);
        }

        bool Flag(string name)
        {
            var text = QueryRules.Last(query, name);
            var value = QueryRules.ParseBool(text);
            if (text is not null && value is null)
            {
                validator.Add(IssueCodes.InvalidValue, "must be true or false", [name]);
            }

            return value ?? false;
        }

        var options = new ReadOptions(key ?? "", Flag("refresh_token"), Flag("force_refresh"), Flag("refresh_github_app_jwt_token"));
        return validator.HasErrors ? validator.ToError(ErrorCodes.InvalidQueryParams) : options;
    }

    public static Outcome<string> ReadIntegrationKeyQuery(IQueryCollection query)
    {
        if (QueryRules.RejectUnknown(query, "provider_config_key") is { } error)
        {
            return error;
        }

        var key = QueryRules.Last(query, "provider_config_key");
        return string.IsNullOrEmpty(key)
            ? ApiError.Invalid(ErrorCodes.InvalidQueryParams, [new ValidationIssue(IssueCodes.InvalidType, "Required", ["provider_config_key"])])
            : key;
    }

    public static Outcome<ConnectionFilter> ReadListQuery(IQueryCollection query)
    {
        if (QueryRules.RejectUnknown(query, "connectionId", "search", "endUserId", "endUserOrganizationId", "integrationId", "tags", "limit", "page") is { } error)
        {
            return error;
        }

        var validator = new Validator();
        string? Text(string name)
        {
            var value = QueryRules.Last(query, name);
            if (value is not null && (value.Length == 0 || value.Length > 255))
            {
                validator.Add(IssueCodes.TooBig, "must be 1 to 255 characters", [name]);
                return null;
            }

            return value;
        }

        int Number(string name, int min, int max, int fallback)
        {
            var text = QueryRules.Last(query, name);
            if (text is null)
            {
                return fallback;
            }

            if (!int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var value) || value < min || value > max)
            {
                validator.Add(IssueCodes.InvalidValue, $"must be a whole number from {min} to {max}", [name]);
                return fallback;
            }

            return value;
        }

        var tags = QueryRules.Map(query, "tags").ToDictionary(pair => pair.Key.ToLowerInvariant(), pair => pair.Value, StringComparer.Ordinal);
        var integrationIds = Text("integrationId")?.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        var filter = new ConnectionFilter(
            Text("connectionId"),
            Text("search"),
            Text("endUserId"),
            Text("endUserOrganizationId"),
            integrationIds,
            tags,
            Number("limit", 1, 10_000, 10_000),
            Number("page", 0, int.MaxValue / 10_000, 0));
        return validator.HasErrors ? validator.ToError(ErrorCodes.InvalidQueryParams) : filter;
    }

    public sealed record Patch(EndUserProfile? EndUser, IReadOnlyDictionary<string, string>? Tags, string? WebhookUrlOverride);

    public static Outcome<Patch> ReadPatch(JsonElement body)
    {
        var validator = new Validator();
        if (JsonObjectReader.Root(body, validator, ["end_user", "tags", "webhook_url_override"]) is not { } root)
        {
            return validator.ToError(ErrorCodes.InvalidBody);
        }

        var patch = new Patch(
            EndUserRequests.ReadEndUser(root, required: false),
            EndUserRequests.ReadTags(root, "tags"),
            HttpUrls.Read(root, "webhook_url_override"));
        return validator.HasErrors ? validator.ToError(ErrorCodes.InvalidBody) : patch;
    }

    public sealed record MetadataChange(IReadOnlyList<string> ConnectionIds, string IntegrationKey, JsonObject Metadata);

    public static Outcome<MetadataChange> ReadMetadata(JsonElement body)
    {
        var validator = new Validator();
        if (JsonObjectReader.Root(body, validator, ["connection_id", "provider_config_key", "metadata"]) is not { } root)
        {
            return validator.ToError(ErrorCodes.InvalidBody);
        }

        IReadOnlyList<string>? ids = null;
        if (root.Element.TryGetProperty("connection_id", out var idElement) && idElement.ValueKind == JsonValueKind.Array)
        {
            ids = root.StringArray("connection_id", Identifiers.ConnectionId, required: true);
            if (ids is { Count: 0 })
            {
                root.Fail("connection_id", IssueCodes.TooSmall, "must name at least one connection");
            }
        }
        else if (root.Text("connection_id", Identifiers.ConnectionId, required: true) is { } single)
        {
            ids = [single];
        }

        var key = root.Text("provider_config_key", Identifiers.IntegrationKey, required: true);
        var metadata = root.OpenObject("metadata", required: true);
        return validator.HasErrors ? validator.ToError(ErrorCodes.InvalidBody) : new MetadataChange(ids!, key!, metadata!);
    }
}
