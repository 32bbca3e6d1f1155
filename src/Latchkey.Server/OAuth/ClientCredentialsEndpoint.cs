using System.Text.Json.Nodes;
using Latchkey.Server.Callers;
using Latchkey.Server.Connections;
using Latchkey.Server.CredentialEntry;
using Latchkey.Server.Hosting;
using Latchkey.Server.Hosting.Validation;
using Latchkey.Server.Logs;
using Latchkey.Server.Providers;
using Latchkey.Server.Tokens;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Latchkey.Server.OAuth;

/// <summary><c>POST /oauth2/auth/:key</c>: the end user's client id and secret are exchanged for a token at once (spec §4.4).</summary>
public static class ClientCredentialsEndpoint
{
    public static async Task<Results<Ok<JsonObject>, ApiError>> ConnectAsync(
        string providerConfigKey, Caller caller, HttpRequest request, EntryRequest entry, ClientCredentialsGrant grant, ConnectionWriter writer,
        AuthLogWriter authLog, TimeProvider clock, CancellationToken cancellationToken)
    {
        var body = await JsonBody.ReadAsync(request, cancellationToken);
        if (body.Failed)
        {
            return body.Error;
        }

        var validator = new Validator();
        var root = JsonObjectReader.Root(body.Value, validator, ["client_id", "client_secret", "client_certificate", "client_private_key"]);
        var clientId = root?.Text("client_id", StringRule.Bounded(0, 1024));
        var clientSecret = root?.Text("client_secret", StringRule.Bounded(0, 4096));
        if (validator.HasErrors)
        {
            return validator.ToError(ErrorCodes.InvalidBody);
        }

        if (string.IsNullOrEmpty(clientId))
        {
            return ApiError.BadRequest(ErrorCodes.MissingClientId, "client_id is required.");
        }

        if (string.IsNullOrEmpty(clientSecret))
        {
            return ApiError.BadRequest(ErrorCodes.MissingClientSecret, "client_secret is required (private-key JWT client authentication is not supported yet).");
        }

        var context = await entry.PrepareAsync(caller, providerConfigKey, request.Query, mode => mode == AuthModes.OAuth2ClientCredentials, cancellationToken);
        if (context.Failed)
        {
            // The reference answers an unknown integration here with its legacy status, 400 (spec §4.4).
            return context.Error.Code == ErrorCodes.UnknownProviderConfig ? ApiError.BadRequest(ErrorCodes.UnknownProviderConfig, context.Error.Message) : context.Error;
        }

        var session = caller.Session;
        var extra = session?.DefaultsFor(providerConfigKey)?["authorization_params"] is JsonObject fromSession
            ? fromSession.ToDictionary(p => p.Key, p => p.Value?.ToString() ?? "", StringComparer.Ordinal)
            : new Dictionary<string, string>();
        var startedAt = clock.GetUtcNow();
        var token = await grant.RequestAsync(context.Value.Provider, clientId, clientSecret, context.Value.Integration.ScopeList,
            context.Value.ConnectionConfig, extra, cancellationToken);
        authLog.Record(new AuthLogEntry(caller.EnvironmentId, "client_credentials", providerConfigKey, context.Value.ConnectionId, !token.Failed,
            token.Error?.Code, token.Error?.Message, [new("token endpoint", clock.GetUtcNow(), token.Failed ? "refused" : "token issued")],
            startedAt, clock.GetUtcNow() - startedAt));
        if (token.Failed)
        {
            return token.Error;
        }

        var (tags, endUser, organization) = EntryRequest.Ownership(session);
        var integration = context.Value.Integration;
        await writer.SaveAsync(new NewConnection(caller.EnvironmentId, integration.Id, integration.UniqueKey, integration.Provider, context.Value.ConnectionId,
            token.Value.Credentials, token.Value.ExpiresAt, context.Value.ConnectionConfig, tags, endUser, organization, session?.Terms.WebhookUrlOverride), cancellationToken);
        return TypedResults.Ok(new JsonObject { ["providerConfigKey"] = providerConfigKey, ["connectionId"] = context.Value.ConnectionId });
    }
}
