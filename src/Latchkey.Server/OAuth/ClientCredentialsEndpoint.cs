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

/// <summary>
/// <c>POST /oauth2/auth/:key</c>: the end user's client is exchanged for a token at once (spec §4.4) — its id with a
/// secret, a private key (<c>private_key_jwt</c>) and/or a TLS client certificate with its key (mutual TLS).
/// </summary>
public static class ClientCredentialsEndpoint
{
    // A PEM certificate chain or RSA-4096 key is a few kilobytes; this leaves room without inviting megabytes.
    private const int MaxPemLength = 16 * 1024;

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
        var certificate = root?.Text("client_certificate", StringRule.Bounded(0, MaxPemLength));
        var privateKey = root?.Text("client_private_key", StringRule.Bounded(0, MaxPemLength));
        if (validator.HasErrors)
        {
            return validator.ToError(ErrorCodes.InvalidBody);
        }

        if (string.IsNullOrEmpty(clientId))
        {
            return ApiError.BadRequest(ErrorCodes.MissingClientId, "client_id is required.");
        }

        if (string.IsNullOrEmpty(clientSecret) && string.IsNullOrEmpty(privateKey))
        {
            return ApiError.BadRequest(ErrorCodes.MissingClientSecret, "client_secret is required, or client_private_key when the client authenticates with a key.");
        }

        var context = await entry.PrepareAsync(caller, providerConfigKey, request.Query, mode => mode == AuthModes.OAuth2ClientCredentials, cancellationToken);
        if (context.Failed)
        {
            // The reference answers an unknown integration here with its legacy status, 400 (spec §4.4).
            return context.Error.Code == ErrorCodes.UnknownProviderConfig ? ApiError.BadRequest(ErrorCodes.UnknownProviderConfig, context.Error.Message) : context.Error;
        }

        var client = new TokenClient(clientId, clientSecret ?? "")
        {
            Certificate = string.IsNullOrEmpty(certificate) ? null : certificate,
            PrivateKey = string.IsNullOrEmpty(privateKey) ? null : privateKey,
        };
        if (ClientProblem(context.Value.Provider, client) is { } problem)
        {
            return problem;
        }

        var session = caller.Session;
        var extra = session?.DefaultsFor(providerConfigKey)?["authorization_params"] is JsonObject fromSession
            ? fromSession.ToDictionary(p => p.Key, p => p.Value?.ToString() ?? "", StringComparer.Ordinal)
            : new Dictionary<string, string>();
        var startedAt = clock.GetUtcNow();
        var token = await grant.RequestAsync(context.Value.Provider, client, context.Value.Integration.ScopeList,
            context.Value.ConnectionConfig, extra, cancellationToken);
        authLog.Record(new AuthLogEntry(caller.EnvironmentId, "client_credentials", providerConfigKey, context.Value.ConnectionId, !token.Failed,
            token.Error?.Code, token.Error?.Message, [new("token endpoint", clock.GetUtcNow(), token.Failed ? ProviderFaults.StepText(token.Error.Code) : "token issued")],
            startedAt, clock.GetUtcNow() - startedAt));
        if (token.Failed)
        {
            return token.Error;
        }

        var (tags, endUser, organization) = EntryRequest.Ownership(session);
        var integration = context.Value.Integration;
        var saved = await writer.SaveAsync(new NewConnection(caller.EnvironmentId, integration.Id, integration.UniqueKey, integration.Provider, context.Value.ConnectionId,
            token.Value.Credentials, token.Value.ExpiresAt, context.Value.ConnectionConfig, tags, endUser, organization, session?.Terms.WebhookUrlOverride,
            Limits: context.Value.Limits), cancellationToken);
        if (saved.Failed)
        {
            return saved.Error;
        }

        return TypedResults.Ok(new JsonObject { ["providerConfigKey"] = providerConfigKey, ["connectionId"] = context.Value.ConnectionId });
    }

    /// <summary>What the provider needs of the client that the body did not give, or gave unreadable. Never echoes a key.</summary>
    private static ApiError? ClientProblem(Provider provider, TokenClient client)
    {
        var name = provider.DisplayName;
        if (provider.Definition.GetFlag("require_client_certificate") && client.Certificate is null)
        {
            return ApiError.InvalidBody($"{name} requires a client certificate: send client_certificate and client_private_key as PEM.", "client_certificate");
        }

        if (client.Certificate is not null && client.PrivateKey is null)
        {
            return ApiError.InvalidBody("client_private_key (PEM) is required with client_certificate.", "client_private_key");
        }

        if (client.Certificate is not null && !ClientCertificate.IsUsable(client.Certificate, client.PrivateKey!))
        {
            return ApiError.InvalidBody("client_certificate and client_private_key must be a PEM certificate and its matching, unencrypted PEM private key.", "client_certificate");
        }

        if (ClientAssertion.IsUsedBy(provider))
        {
            return client.PrivateKey is null
                ? ApiError.InvalidBody($"{name} authenticates clients with a signed JWT: send client_private_key (an RSA private JWK or PEM).", "client_private_key")
                : ClientAssertion.CanSignWith(client.PrivateKey) ? null
                : ApiError.InvalidBody("client_private_key must be an RSA private key, as a JWK or unencrypted PEM.", "client_private_key");
        }

        return client.Secret.Length == 0 && client.Certificate is null
            ? ApiError.BadRequest(ErrorCodes.MissingClientSecret, $"client_secret is required: {name} does not authenticate clients with a key.")
            : null;
    }
}
