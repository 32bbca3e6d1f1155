using System.Text.Json.Nodes;
using Latchkey.Server.Callers;
using Latchkey.Server.Connections;
using Latchkey.Server.Environments;
using Latchkey.Server.Hosting;
using Latchkey.Server.Hosting.Validation;
using Latchkey.Server.Integrations;
using Latchkey.Server.Realtime;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;

using Latchkey.Server.ConnectSessions;

namespace Latchkey.Server.Connect;

public static class ConnectSessionsEndpoints
{
    public static async Task<Results<Created<JsonObject>, ApiError>> CreateConnectSessionAsync(
        Caller caller, HttpRequest request, IntegrationStore integrations, ConnectSessionStore sessions, ConnectionLimits limits,
        PublicUrls urls, CancellationToken cancellationToken)
    {
        var input = await ReadInputAsync(caller, request, reconnect: false, integrations, cancellationToken);
        if (input.Failed)
        {
            return input.Error;
        }

        if (await limits.IsReachedAsync(caller.Environment, cancellationToken))
        {
            return ApiError.BadRequest(ErrorCodes.ResourceCapped, "This environment has reached its connection limit.");
        }

        return await CreateAsync(caller, input.Value.Terms, input.Value.Lifetime, reconnectTarget: null, sessions, urls, cancellationToken);
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

        // A reconnect session allows exactly the connection's integration.
        var terms = input.Value.Terms with { AllowedIntegrations = [target.IntegrationKey] };
        return await CreateAsync(caller, terms, input.Value.Lifetime, target.Id, sessions, urls, cancellationToken);
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
        if (session.Terms.AllowedIntegrations is { Count: > 0 } allowed)
        {
            data["allowed_integrations"] = new JsonArray(allowed.Select(a => (JsonNode?)a).ToArray());
        }

        if (session.Terms.IntegrationsConfigDefaults is { } defaults)
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

        if (session.Terms.Overrides is { } overrides)
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
        Caller caller, SessionTerms terms, TimeSpan lifetime, long? reconnectTarget, ConnectSessionStore sessions,
        PublicUrls urls, CancellationToken cancellationToken)
    {
        var (session, token) = await sessions.CreateAsync(new NewConnectSession(caller.EnvironmentId, terms, reconnectTarget, lifetime), cancellationToken);

        return TypedResults.Created((string?)null, new JsonObject
        {
            ["data"] = new JsonObject
            {
                ["token"] = token,
                ["connect_link"] = urls.ConnectLink(token),
                ["expires_at"] = Timestamps.Format(session.ExpiresAt),
            },
        });
    }

    private static async Task<JsonObject?> EndUserForDisplayAsync(ConnectSession session, ConnectionStore connections, CancellationToken cancellationToken)
    {
        if (session.Terms.EndUser is { } endUser)
        {
            return new JsonObject
            {
                ["id"] = endUser.Id,
                ["display_name"] = endUser.DisplayName,
                ["email"] = endUser.Email,
                ["tags"] = endUser.Tags is null ? null : new JsonObject(endUser.Tags.Select(t => KeyValuePair.Create(t.Key, (JsonNode?)t.Value))),
                ["organization"] = session.Terms.Organization is not { } organization ? null : new JsonObject
                {
                    ["id"] = organization.Id,
                    ["display_name"] = organization.DisplayName,
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
