using System.Text.Json.Nodes;
using Latchkey.Server.Connections;
using Latchkey.Server.Hosting;
using Latchkey.Server.Hosting.Validation;
using Latchkey.Server.Integrations;
using Latchkey.Server.Providers;
using Latchkey.Server.Tokens;

namespace Latchkey.Server.OAuth;

/// <summary>
/// CUSTOM: a GitHub App that requests user authorization (OAuth) during installation. GitHub's callback carries the
/// user's <c>code</c> with <c>installation_id</c> and <c>setup_action</c>; the code is exchanged by the ordinary
/// OAuth 2 exchange and the installation token is minted too. Credentials: <c>{type:'CUSTOM', app, user, raw}</c>.
/// Special cases (spec §5.4 step 5): an installation already connected for this integration is updated without a
/// code exchange, and <c>setup_action=update</c> without a code finishes without one. Without an installation id
/// (the installation awaits an owner's approval) the connection is saved with <c>app: null</c> and is pending.
/// https://docs.github.com/en/apps/creating-github-apps/authenticating-with-a-github-app/generating-a-user-access-token-for-a-github-app
/// </summary>
public sealed class AppUserAuthorization(
    OAuth2Flow oauth2, IntegrationStore integrations, AppInstallationTokens appTokens, ConnectionStore connections, ConnectionSecrets secrets)
{
    public async Task<Outcome<CompletedAuth>> CompleteAsync(
        OAuthFlow flow, Integration integration, Provider provider, IQueryCollection query, string? installationId, CancellationToken cancellationToken)
    {
        var hasCode = !string.IsNullOrEmpty(QueryRules.Last(query, provider.GetString("authorization_code_param_in_callback", "code")));
        var existing = installationId is null
            ? null
            : await connections.FindByConfigValueAsync(integration.Id, AppInstallFlow.InstallationIdKey, installationId, cancellationToken);
        if (existing is not null || (!hasCode && QueryRules.Last(query, "setup_action") == "update"))
        {
            return await WithoutExchangeAsync(flow, integration, provider, installationId, existing, cancellationToken);
        }

        var user = await oauth2.CompleteAsync(flow, integration, provider, query, cancellationToken);
        if (user.Failed)
        {
            return user.Error;
        }

        var config = user.Value.ConnectionConfig;
        JsonObject? app = null;
        if (installationId is not null)
        {
            var minted = await AppInstallFlow.MintAsync(appTokens, integrations, integration, provider, config, installationId, cancellationToken);
            if (minted.Failed)
            {
                return minted.Error;
            }

            app = minted.Value.Credentials;
        }

        return new CompletedAuth(Credentials(app, user.Value.Credentials), user.Value.ExpiresAt, config, IsPending: installationId is null);
    }

    // The installation changed (repositories added, permissions accepted) or was connected before: mint a new app token,
    // keep the user's credentials of the existing connection, and exchange nothing.
    private async Task<Outcome<CompletedAuth>> WithoutExchangeAsync(
        OAuthFlow flow, Integration integration, Provider provider, string? installationId, StoredConnection? existing, CancellationToken cancellationToken)
    {
        if (installationId is null)
        {
            return ApiError.BadRequest(ErrorCodes.CallbackErr, $"{provider.DisplayName} reported an updated installation without its installation id.");
        }

        var config = existing?.ConnectionConfigObject() ?? flow.ConnectionConfig.DeepClone().AsObject();
        var minted = await AppInstallFlow.MintAsync(appTokens, integrations, integration, provider, config, installationId, cancellationToken);
        if (minted.Failed)
        {
            return minted.Error;
        }

        var user = existing is null ? null : secrets.Open(existing)["user"] as JsonObject;
        return new CompletedAuth(Credentials(minted.Value.Credentials, user?.DeepClone().AsObject()), minted.Value.ExpiresAt, config, existing?.ConnectionId);
    }

    // raw is the user leg's token response when there is one, else the installation token's (spec §4.6: "as received").
    private static JsonObject Credentials(JsonObject? app, JsonObject? user) => new()
    {
        ["type"] = AuthModes.Custom,
        ["app"] = app,
        ["user"] = user,
        ["raw"] = (user?["raw"] ?? app?["raw"])?.DeepClone() ?? new JsonObject(),
    };
}
