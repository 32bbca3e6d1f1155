using System.Globalization;
using System.Text.Json.Nodes;
using Latchkey.Server.Connections;
using Latchkey.Server.CredentialEntry;
using Latchkey.Server.Environments;
using Latchkey.Server.Hosting;
using Latchkey.Server.Hosting.Authentication;
using Latchkey.Server.Hosting.Validation;
using Latchkey.Server.Integrations;
using Latchkey.Server.Realtime;
using Microsoft.Extensions.Options;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Latchkey.Server.ConnectSessions;

public static class ConnectSessionsEndpoints
{
    public static async Task<Results<Created<JsonObject>, ApiError>> CreateConnectSessionAsync(
        Caller caller, HttpRequest request, IntegrationStore integrations, ConnectSessionStore sessions, EntryRequest entry,
        PublicUrls urls, CancellationToken cancellationToken)
    {
        var input = await ReadInputAsync(caller, request, reconnect: false, integrations, cancellationToken);
        if (input.Failed)
        {
            return input.Error;
        }

        if (await entry.IsAtLimitAsync(caller.Environment, cancellationToken))
        {
            return ApiError.BadRequest(ErrorCodes.ResourceCapped, "This environment has reached its connection limit.");
        }

        return await CreateAsync(caller, input.Value, input.Value.AllowedIntegrations, reconnectTarget: null, sessions, urls, cancellationToken);
    }

    public static async Task<Results<Created<JsonObject>, ApiError>> CreateReconnectSessionAsync(
        Caller caller, HttpRequest request, IntegrationStore integrations, ConnectionStore connections, ConnectSessionStore sessions,
        PublicUrls urls, CancellationToken cancellationToken)
    {
        var input = await ReadInputAsync(caller, request, reconnect: true, integrations, cancellationToken);
        if (input.Failed)
        {
            return input.Error;
        }

        var target = await connections.FindAsync(caller.EnvironmentId, input.Value.IntegrationId!, input.Value.ConnectionId!, cancellationToken);
        if (target is null)
        {
            return ApiError.BadRequest(ErrorCodes.InvalidBody,
                $"Connection '{input.Value.ConnectionId}' does not exist for integration '{input.Value.IntegrationId}'.");
        }

        return await CreateAsync(caller, input.Value, [target.IntegrationKey], target.Id, sessions, urls, cancellationToken);
    }

    public static async Task<Ok<JsonObject>> GetConnectSessionAsync(
        Caller caller, ConnectionStore connections, EnvironmentStore environments, IOptions<RealtimeOptions> realtime, CancellationToken cancellationToken)
    {
        var session = caller.Session!;
        var settings = await environments.GetSettingsAsync(caller.EnvironmentId, cancellationToken);
        var data = new JsonObject
        {
            ["endUser"] = await EndUserForDisplayAsync(session, connections, cancellationToken),
            ["connectUISettings"] = settings.ConnectUi,
        };

        // Optional keys are omitted, not null, when unset (spec §4.3); user_scopes is not echoed.
        if (session.AllowedIntegrations is { Count: > 0 } allowed)
        {
            data["allowed_integrations"] = new JsonArray(allowed.Select(a => (JsonNode?)a).ToArray());
        }

        if (session.IntegrationsConfigDefaults is { } defaults)
        {
            var echoed = defaults.DeepClone().AsObject();
            foreach (var (_, entry) in echoed)
            {
                (entry as JsonObject)?.Remove("user_scopes");
            }

            data["integrations_config_defaults"] = echoed;
        }

        if (session.IsReconnect)
        {
            data["isReconnecting"] = true;
        }

        if (session.Overrides is { } overrides)
        {
            data["overrides"] = overrides.DeepClone();
        }

        data["websocketsPath"] = realtime.Value.WebSocketsPath;
        return TypedResults.Ok(new JsonObject { ["data"] = data });
    }

    public static async Task<NoContent> DeleteConnectSessionAsync(Caller caller, ConnectSessionStore sessions, CancellationToken cancellationToken)
    {
        await sessions.DeleteAsync(caller.Session!.Id, cancellationToken);
        return TypedResults.NoContent();
    }

    // No query string; a strict body whose integration keys must exist in the caller's environment (spec §4.3).
    private static async Task<Outcome<ConnectSessionInput>> ReadInputAsync(
        Caller caller, HttpRequest request, bool reconnect, IntegrationStore integrations, CancellationToken cancellationToken)
    {
        if (QueryRules.RejectUnknown(request.Query) is { } queryError)
        {
            return queryError;
        }

        var body = await JsonBody.ReadAsync(request, cancellationToken);
        if (body.Failed)
        {
            return body.Error;
        }

        var keys = (await integrations.ListAsync(caller.EnvironmentId, cancellationToken)).Select(i => i.UniqueKey).ToHashSet(StringComparer.Ordinal);
        return ConnectSessionRequests.Read(body.Value, reconnect, keys.Contains);
    }

    private static async Task<Results<Created<JsonObject>, ApiError>> CreateAsync(
        Caller caller, ConnectSessionInput input, IReadOnlyList<string>? allowed, long? reconnectTarget, ConnectSessionStore sessions,
        PublicUrls urls, CancellationToken cancellationToken)
    {
        var (session, token) = await sessions.CreateAsync(
            new NewConnectSession(caller.EnvironmentId, input.EndUser, input.Organization, allowed, input.IntegrationsConfigDefaults,
                input.Overrides, input.WebhookUrlOverride, input.Tags, reconnectTarget, input.Lifetime),
            cancellationToken);

        // The link carries apiURL so a self-hosted link works as returned (DESIGN decision 9).
        var link = $"{urls.ConnectUi}?session_token={token}&apiURL={Uri.EscapeDataString(urls.Server)}";
        return TypedResults.Created((string?)null, new JsonObject
        {
            ["data"] = new JsonObject
            {
                ["token"] = token,
                ["connect_link"] = link,
                ["expires_at"] = Timestamps.Format(session.ExpiresAt),
            },
        });
    }

    private static async Task<JsonObject?> EndUserForDisplayAsync(ConnectSession session, ConnectionStore connections, CancellationToken cancellationToken)
    {
        if (session.EndUser is { } endUser)
        {
            return new JsonObject
            {
                ["id"] = endUser.Id,
                ["display_name"] = endUser.DisplayName,
                ["email"] = endUser.Email,
                ["tags"] = endUser.Tags is null ? null : new JsonObject(endUser.Tags.Select(t => KeyValuePair.Create(t.Key, (JsonNode?)t.Value))),
                ["organization"] = session.Organization is null ? null : new JsonObject
                {
                    ["id"] = session.Organization.Id,
                    ["display_name"] = session.Organization.DisplayName,
                },
            };
        }

        // A reconnect session without an end user shows the connection's own (spec §6.4).
        if (session.ReconnectConnectionRef is { } target && await connections.GetLiveAsync(target, cancellationToken) is { EndUserId: not null } connection)
        {
            return ConnectionView.ListItem(connection)["end_user"]?.DeepClone().AsObject();
        }

        return null;
    }
}

/// <summary><c>POST /connect/telemetry</c>: the Connect UI's beacon (spec §3.12). Validated, then dropped: nothing leaves the server.</summary>
public static class ConnectTelemetryEndpoint
{
    private static readonly HashSet<string> Events = new(StringComparer.Ordinal)
    {
        "open", "view:list", "view:integration", "view:unknown_error", "view:credentials_error", "view:success", "click:integration",
        "click:doc", "click:doc_section", "click:connect", "click:close", "click:finish", "click:outside", "popup:blocked_by_browser",
        "popup:closed_early",
    };

    public static async Task<Results<NoContent, ApiError>> RecordTelemetryAsync(
        HttpRequest request, ConnectSessionStore sessions, TimeProvider clock, CancellationToken cancellationToken)
    {
        var body = await JsonBody.ReadAsync(request, cancellationToken);
        if (body.Failed)
        {
            return body.Error;
        }

        var validator = new Validator();
        var root = JsonObjectReader.Root(body.Value, validator, ["token", "event", "timestamp", "dimensions"]);
        if (root is not { } reader)
        {
            return validator.ToError(ErrorCodes.InvalidBody);
        }

        var token = reader.Text("token", StringRule.Any);
        if (token is null)
        {
            return ApiError.Unauthorized(ErrorCodes.MissingAuthHeader, "The telemetry body carries no token.");
        }

        var name = reader.Text("event", StringRule.NonEmpty, required: true);
        if (name is not null && !Events.Contains(name))
        {
            reader.Fail("event", IssueCodes.InvalidValue, "is not a known telemetry event");
        }

        var timestamp = reader.Text("timestamp", StringRule.NonEmpty, required: true);
        if (timestamp is not null && (!DateTimeOffset.TryParse(timestamp, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var at) ||
            (at - clock.GetUtcNow()).Duration() > TimeSpan.FromHours(2)))
        {
            reader.Fail("timestamp", IssueCodes.InvalidValue, "must be an ISO date within two hours of the server's clock");
        }

        reader.Nested("dimensions", ["integration"])?.Text("integration", Identifiers.IntegrationKey);
        if (validator.HasErrors)
        {
            return validator.ToError(ErrorCodes.InvalidBody);
        }

        if (!SessionTokens.HasValidFormat(token))
        {
            return ApiError.Unauthorized(ErrorCodes.InvalidConnectSessionTokenFormat, "The connect session token has the wrong format.");
        }

        return await sessions.FindByTokenAsync(token, cancellationToken) is null
            ? ApiError.Unauthorized(ErrorCodes.UnknownConnectSessionToken, "The connect session token is unknown or has expired.")
            : TypedResults.NoContent();
    }
}
