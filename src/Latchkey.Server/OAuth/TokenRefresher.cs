using System.Text.Json.Nodes;
using Latchkey.Server.Connections;
using Latchkey.Server.Hosting;
using Latchkey.Server.Integrations;
using Latchkey.Server.Providers;
using Latchkey.Server.Storage;
using Latchkey.Server.Vault;

namespace Latchkey.Server.OAuth;

/// <summary>
/// Refreshes one connection's credentials under its lock. After taking the lock it re-reads the connection: a
/// concurrent reader (here or on another instance) may have refreshed already. A refusal keeps the old credentials,
/// records the failure and answers the spec's error; nothing is deleted.
/// </summary>
public sealed class TokenRefresher(
    ConnectionStore store,
    RefreshCredentials refresh,
    ConnectionWriter writer,
    IRefreshLock locks,
    SecretCodec codec,
    TimeProvider clock)
{
    public static readonly TimeSpan LockTimeout = TimeSpan.FromSeconds(12);

    public async Task<Outcome<CredentialRead>> RefreshAsync(StoredConnection seen, bool force, CancellationToken cancellationToken)
    {
        await using var held = await locks.AcquireAsync(seen.Id, LockTimeout, cancellationToken);
        var current = await store.GetLiveAsync(seen.Id, cancellationToken);
        if (current is null)
        {
            return ApiError.NotFound("The connection was deleted while its credentials were being refreshed.");
        }

        var credentials = current.OpenCredentials(codec);
        // Every save seals with a fresh nonce, so a different sealed value means new credentials (a metadata or tag
        // change does not count, unlike a change of updated_at).
        var refreshedMeanwhile = current.CredentialsSealed != seen.CredentialsSealed;
        if (refreshedMeanwhile || !RefreshPolicy.IsDue(credentials, refresh.ProviderOf(current), clock.GetUtcNow(), force))
        {
            return new CredentialRead(current, credentials);
        }

        var result = await refresh.ObtainAsync(current, credentials, cancellationToken);
        if (result.Failed)
        {
            await writer.RecordRefreshFailureAsync(current, ErrorCodes.RefreshTokenExternalError, cancellationToken);
            return new ApiError(StatusCodes.Status400BadRequest, ErrorCodes.InvalidCredentials, result.Error.Message)
            {
                Payload = new { type = ErrorCodes.RefreshTokenExternalError, connection_id = current.ConnectionId },
            };
        }

        var (fresh, expiresAt, config) = result.Value;
        await writer.SaveRefreshedAsync(current, fresh, expiresAt, config, cancellationToken);
        var saved = await store.GetLiveAsync(current.Id, cancellationToken);
        return new CredentialRead(saved ?? current, fresh);
    }
}

/// <summary>Asks the provider for new credentials: a refresh-token grant (OAuth 2) or a new client-credentials grant.</summary>
public sealed class RefreshCredentials(ProviderCatalog catalog, IntegrationStore integrations, TokenEndpoint tokens, ClientCredentialsGrant clientCredentials, SecretCodec codec, TimeProvider clock)
{
    public Provider? ProviderOf(StoredConnection connection) => catalog.Find(connection.Provider);

    public async Task<Outcome<(JsonObject Credentials, DateTimeOffset? ExpiresAt, JsonObject? Config)>> ObtainAsync(
        StoredConnection connection, JsonObject credentials, CancellationToken cancellationToken)
    {
        var provider = ProviderOf(connection);
        var integration = await integrations.GetAsync(connection.IntegrationId, cancellationToken);
        if (provider is null || integration is null)
        {
            return ApiError.BadRequest(ErrorCodes.RefreshTokenExternalError, "The connection's integration or provider no longer exists.");
        }

        var config = connection.ConnectionConfigObject();
        if (credentials.GetString("type") == AuthModes.OAuth2ClientCredentials)
        {
            var granted = await clientCredentials.RequestAsync(provider, credentials.GetString("client_id") ?? "", credentials.GetString("client_secret") ?? "",
                integration.ScopeList, config, new Dictionary<string, string>(), cancellationToken);
            return granted.Failed ? granted.Error : (granted.Value.Credentials, granted.Value.ExpiresAt, null);
        }

        var values = AuthorizationUrl.ValuesOf(config);
        var tokenUrl = ProviderUrls.Render(provider.TokenUrlFor(AuthModes.OAuth2) ?? "", values);
        if (tokenUrl is null)
        {
            return ApiError.BadRequest(ErrorCodes.RefreshTokenExternalError, "The provider's token_url needs connection settings that were not given.");
        }

        // The provider's refresh (or token) params go under grant_type=refresh_token, never over it (DESIGN decision 1).
        var parameters = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (key, template) in provider.RefreshParams.Count > 0 ? provider.RefreshParams : provider.TokenParams)
        {
            parameters[key] = Template.Render(template, values);
        }

        var previousRefreshToken = credentials.GetString("refresh_token")!;
        parameters["grant_type"] = "refresh_token";
        parameters["refresh_token"] = previousRefreshToken;
        var overrides = credentials["config_override"] as JsonObject;
        var (clientId, clientSecret) = overrides?.GetString("client_id") is { } overrideId && overrides.GetString("client_secret") is { } overrideSecret
            ? (overrideId, overrideSecret)
            : (integration.ClientId ?? "", integration.OpenSecrets(codec).ClientSecret ?? "");

        var answer = await tokens.RequestAsync(provider, tokenUrl, parameters, clientId, clientSecret, cancellationToken);
        var parsed = answer.Succeeded ? TokenResponse.OAuth2(provider, answer.Body!, clock.GetUtcNow(), previousRefreshToken) : null;
        if (parsed is not { } refreshed)
        {
            return ApiError.BadRequest(ErrorCodes.RefreshTokenExternalError, $"{provider.DisplayName} refused to refresh the credentials: {answer.Describe()}.");
        }

        if (overrides is not null)
        {
            refreshed.Credentials["config_override"] = overrides.DeepClone();
        }

        var newConfig = config.DeepClone().AsObject();
        TokenResponse.CopyMetadata(provider, "refresh_token_response_metadata", answer.Body!, newConfig);
        return (refreshed.Credentials, refreshed.ExpiresAt, newConfig);
    }
}
