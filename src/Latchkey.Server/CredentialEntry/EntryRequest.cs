using System.Text.Json.Nodes;
using Latchkey.Server.Callers;
using Latchkey.Server.ConnectSessions;
using Latchkey.Server.Connections;
using Latchkey.Server.Hosting;
using Latchkey.Server.Hosting.Validation;
using Latchkey.Server.Integrations;
using Latchkey.Server.Providers;

namespace Latchkey.Server.CredentialEntry;

/// <summary>Everything an auth entry point has established before it looks at the credentials themselves.</summary>
public sealed record EntryContext(
    Caller Caller,
    Integration Integration,
    Provider Provider,
    string ConnectionId,
    JsonObject ConnectionConfig,
    bool IsNewConnection,
    CreationLimits Limits);

/// <summary>
/// The checks every auth entry point runs, in the order of spec §4.4: query, integration, provider, auth mode,
/// allowed integrations, reconnect target, connection config, connection limits. The OAuth entry points reuse it.
/// </summary>
public sealed class EntryRequest(
    IntegrationStore integrations,
    ProviderCatalog catalog,
    ConnectionStore connections,
    ConnectionLimits limits,
    PublicKeyHmac hmac)
{
    public async Task<Outcome<EntryContext>> PrepareAsync(Caller caller, string integrationKey, IQueryCollection query, Func<string, bool> acceptsMode, CancellationToken cancellationToken)
    {
        var session = caller.Session;
        if (session is not null && query.ContainsKey("connection_id"))
        {
            return ApiError.Invalid(ErrorCodes.InvalidQueryParams,
                [new ValidationIssue(IssueCodes.Custom, "connection_id cannot be chosen with a connect session token.", ["connection_id"])]);
        }

        var requestedId = QueryRules.Last(query, "connection_id");
        if (requestedId is not null && (requestedId.Length > InputLimits.Name || !Identifiers.ConnectionIdPattern().IsMatch(requestedId)))
        {
            return ApiError.Invalid(ErrorCodes.InvalidQueryParams,
                [new ValidationIssue(IssueCodes.InvalidFormat, Identifiers.ConnectionId.PatternMessage!, ["connection_id"])]);
        }

        var signed = caller.Kind == CallerKind.PublicKey ? await hmac.CheckAsync(caller.Environment, integrationKey, requestedId, query, cancellationToken) : false;
        if (signed.Failed)
        {
            return signed.Error;
        }

        var integration = await integrations.FindAsync(caller.EnvironmentId, integrationKey, cancellationToken);
        if (integration is null)
        {
            return new ApiError(StatusCodes.Status404NotFound, ErrorCodes.UnknownProviderConfig, $"Integration '{integrationKey}' does not exist.");
        }

        if (!catalog.TryGet(integration.Provider, out var provider))
        {
            return new ApiError(StatusCodes.Status404NotFound, ErrorCodes.UnknownProviderTemplate, $"Provider '{integration.Provider}' is not in the catalog.");
        }

        if (!acceptsMode(provider.AuthMode))
        {
            return ApiError.BadRequest(ErrorCodes.InvalidAuthMode, $"Integration '{integrationKey}' uses {provider.AuthMode}, which this endpoint does not accept.");
        }

        if (session is not null && !session.Allows(integrationKey))
        {
            return ApiError.BadRequest(ErrorCodes.IntegrationNotAllowed, $"This connect session does not allow integration '{integrationKey}'.");
        }

        var connectionId = requestedId ?? Guid.NewGuid().ToString();
        var isNew = requestedId is null;
        if (session?.ReconnectConnectionRef is { } targetRef)
        {
            var target = await connections.GetLiveAsync(targetRef, cancellationToken);
            if (target is null || target.IntegrationKey != integrationKey)
            {
                return ApiError.BadRequest(ErrorCodes.InvalidConnection, "The connection this session reconnects no longer exists.");
            }

            connectionId = target.ConnectionId;
            isNew = false;
        }
        else if (requestedId is not null)
        {
            isNew = await connections.FindAsync(caller.EnvironmentId, integrationKey, requestedId, cancellationToken) is null;

            // The public key sits in every page of the integrator's site: alone it may create connections, but replacing the
            // credentials of an existing one needs the integrator's say-so, an hmac made with the secret key (spec §4.4).
            if (!isNew && !signed.Value)
            {
                return ApiError.BadRequest(ErrorCodes.MissingHmac,
                    $"Connection '{requestedId}' already exists. Re-authorizing it with the public key needs an hmac of \"{integrationKey}:{requestedId}\" " +
                    "made with the environment's secret key (HMAC-SHA256, hex); or use a connect session.");
            }
        }

        var config = BuildConnectionConfig(query, session, integrationKey, provider);
        var issues = ConnectionConfigRules.Apply(provider, config);
        if (issues.Count > 0)
        {
            return ApiError.Invalid(ErrorCodes.InvalidQueryParams, issues);
        }

        if (isNew && session is not null && limits.IsSpent(session))
        {
            return ApiError.BadRequest(ErrorCodes.ResourceCapped, ConnectionLimits.SessionCappedMessage(limits.SessionLimit));
        }

        if (isNew && await limits.IsReachedAsync(caller.Environment, cancellationToken))
        {
            return ApiError.BadRequest(ErrorCodes.ResourceCapped, ConnectionLimits.EnvironmentCappedMessage);
        }

        return new EntryContext(caller, integration, provider, connectionId, config, isNew, limits.For(caller.Environment, session?.Id));
    }

    /// <summary>The tags and end user a saved connection gets from the session (a reconnect without any keeps the old ones).</summary>
    public static (IReadOnlyDictionary<string, string>? Tags, EndUserProfile? EndUser, OrganizationProfile? Organization) Ownership(ConnectSession? session)
    {
        if (session is null)
        {
            return (null, null, null);
        }

        var terms = session.Terms;
        var saysNothing = terms.EndUser is null && terms.Organization is null && terms.Tags is null;
        return (session.IsReconnect && saysNothing ? null : session.ConnectionTags(), terms.EndUser, terms.Organization);
    }

    // params[...] from the query (strings only, webhook_url and automated fields dropped), with the session's defaults
    // winning (spec §4.4). The integrator's session defaults may set an automated field; the end user may not.
    private static JsonObject BuildConnectionConfig(IQueryCollection query, ConnectSession? session, string integrationKey, Provider provider)
    {
        var config = new JsonObject();
        foreach (var (key, value) in QueryRules.Map(query, "params"))
        {
            if (key != "webhook_url")
            {
                config[key] = value;
            }
        }

        ConnectionConfigRules.DropAutomated(provider, config);

        if (session is not null)
        {
            foreach (var (key, value) in session.ConnectionConfigDefaults(integrationKey))
            {
                if (key != "webhook_url")
                {
                    config[key] = value;
                }
            }
        }

        return config;
    }
}
