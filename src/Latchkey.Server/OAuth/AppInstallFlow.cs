using System.Text.Json.Nodes;
using Latchkey.Server.Hosting;
using Latchkey.Server.Hosting.Validation;
using Latchkey.Server.Integrations;
using Latchkey.Server.Providers;
using Latchkey.Server.Tokens;
using Microsoft.AspNetCore.WebUtilities;

namespace Latchkey.Server.OAuth;

/// <summary>
/// GitHub App installation (spec §5.1 step 11, §5.4): APP and CUSTOM send the user to the app's installation page
/// (the catalog's <c>authorization_url</c>, templated with <c>appPublicLink</c> = the integration's <c>app_link</c>),
/// passing our <c>state</c>, which GitHub hands back to the callback with <c>installation_id</c> and
/// <c>setup_action</c>. APP then mints an installation access token; CUSTOM also completes the user's OAuth leg
/// (<see cref="AppUserAuthorization"/>).
/// https://docs.github.com/en/apps/using-github-apps/installing-a-github-app-from-a-third-party
/// https://docs.github.com/en/apps/creating-github-apps/registering-a-github-app/about-the-setup-url
/// </summary>
public sealed class AppInstallFlow(
    OAuthSessionStore sessions, IntegrationStore integrations, AppInstallationTokens appTokens, AppUserAuthorization userLeg, TimeProvider clock)
    : IAuthorizationGrant
{
    public const string AppLinkKey = "appPublicLink";
    public const string InstallationIdKey = "installation_id";
    public const string AppIdKey = "app_id";

    public async Task<Outcome<(string Url, string State, string Binding)>> StartAsync(PreparedFlow prepared, CancellationToken cancellationToken)
    {
        var config = prepared.Entry.ConnectionConfig;
        var provider = prepared.Entry.Provider;
        config[AppLinkKey] = prepared.Entry.Integration.AppLink?.TrimEnd('/');
        if (ProviderUrls.Render(provider.AuthorizationUrl ?? "", TemplateValues.Of(config)) is not { } installPage)
        {
            return ApiError.BadRequest(ErrorCodes.UrlParamErr, $"{provider.DisplayName}'s installation page needs connection settings that were not given.");
        }

        var state = OAuthSessionStore.NewState();
        var flow = OAuth2Flow.ToFlow(prepared, prepared.Secrets, clock.GetUtcNow());
        var (_, binding) = await sessions.CreateAsync(flow, cancellationToken, state);
        return (QueryHelpers.AddQueryString(installPage.ToString(), "state", state), state, binding);
    }

    public async Task<Outcome<CompletedAuth>> CompleteAsync(OAuthFlow flow, Integration integration, Provider provider, IQueryCollection query, CancellationToken cancellationToken)
    {
        var installationId = InstallationId(query);
        if (installationId.Failed)
        {
            return installationId.Error;
        }

        if (provider.AuthMode == AuthModes.Custom)
        {
            return await userLeg.CompleteAsync(flow, integration, provider, query, installationId.Value, cancellationToken);
        }

        if (installationId.Value is null)
        {
            // setup_action=request: an account owner must approve the installation first, and GitHub says so only to them.
            var why = QueryRules.Last(query, "setup_action") == "request" ? ": the installation awaits approval by an owner of the account" : "";
            return ApiError.BadRequest(ErrorCodes.CallbackErr, $"{provider.DisplayName} did not return an installation id{why}{OAuth2Flow.ProviderErrorText(query)}.");
        }

        var config = flow.ConnectionConfig.DeepClone().AsObject();
        var minted = await MintAsync(appTokens, integrations, integration, provider, config, installationId.Value, cancellationToken);
        return minted.Failed ? minted.Error : new CompletedAuth(minted.Value.Credentials, minted.Value.ExpiresAt, config);
    }

    /// <summary>Notes the installation (and the app) in <paramref name="config"/> and mints its token with the integration's app.</summary>
    internal static async Task<Outcome<(JsonObject Credentials, DateTimeOffset? ExpiresAt)>> MintAsync(
        AppInstallationTokens appTokens, IntegrationStore integrations, Integration integration, Provider provider, JsonObject config, string installationId,
        CancellationToken cancellationToken)
    {
        config[InstallationIdKey] = installationId;
        config[AppIdKey] = integration.AppId;
        var app = new AppIdentity(integration.AppId ?? "", integrations.OpenSecrets(integration).PrivateKey ?? "");
        return await appTokens.MintAsync(provider, app, config, cancellationToken);
    }

    // GitHub's installation ids are numbers; anything else is refused before it reaches a URL.
    private static Outcome<string?> InstallationId(IQueryCollection query)
    {
        var value = QueryRules.Last(query, InstallationIdKey);
        if (string.IsNullOrEmpty(value))
        {
            return (string?)null;
        }

        return value.Length <= 20 && value.All(char.IsAsciiDigit)
            ? value
            : ApiError.BadRequest(ErrorCodes.CallbackErr, "The installation id in the callback is not a number.");
    }
}
