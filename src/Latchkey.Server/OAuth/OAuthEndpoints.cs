using Latchkey.Server.Connections;
using Latchkey.Server.Environments;
using Latchkey.Server.Hosting;
using Latchkey.Server.Hosting.Authentication;
using Latchkey.Server.Hosting.Validation;
using Latchkey.Server.Integrations;
using Latchkey.Server.Providers;

namespace Latchkey.Server.OAuth;

/// <summary>The browser navigations of an OAuth flow (spec §4.5): the start in the SDK's popup, and the provider's callback.</summary>
public static class OAuthEndpoints
{
    /// <summary><c>GET /oauth/connect/:key</c>: validates, stores the flow, binds it to this browser, redirects to the provider.</summary>
    public static async Task<IResult> ConnectAsync(
        string providerConfigKey, Caller caller, HttpContext context, FlowPreparation preparation, OAuth2Flow oauth2, OAuth1Flow oauth1,
        FlowReporter reporter, CancellationToken cancellationToken)
    {
        var query = context.Request.Query;
        var webSocketClientId = QueryRules.Last(query, "ws_client_id");
        var prepared = await preparation.PrepareAsync(caller, providerConfigKey, query, cancellationToken);
        if (prepared.Failed)
        {
            // Problems with the request itself are JSON (the SDK keeps waiting); flow problems reach the SDK too.
            return FlowPreparation.IsFlowError(prepared.Error)
                ? await reporter.FailAsync(prepared.Error, webSocketClientId, providerConfigKey, "", cancellationToken)
                : prepared.Error;
        }

        var started = prepared.Value.Entry.Provider.AuthMode == AuthModes.OAuth1
            ? await oauth1.StartAsync(prepared.Value, cancellationToken)
            : await oauth2.StartAsync(prepared.Value, cancellationToken);
        if (started.Failed)
        {
            return await reporter.FailAsync(started.Error, webSocketClientId, providerConfigKey, prepared.Value.Entry.ConnectionId, cancellationToken);
        }

        context.Response.Cookies.Append(OAuthSessionStore.CookieName(started.Value.State), started.Value.Binding, new CookieOptions
        {
            HttpOnly = true,
            Secure = context.Request.IsHttps,
            SameSite = SameSiteMode.Lax, // sent on the provider's top-level redirect back to the callback
            MaxAge = OAuthSessionStore.Lifetime,
            Path = "/",
        });
        return TypedResults.Redirect(started.Value.Url);
    }

    /// <summary><c>GET /oauth/callback</c>: consumes the state first, then checks, exchanges, saves and reports.</summary>
    public static async Task<IResult> CallbackAsync(
        HttpContext context, OAuthSessionStore sessions, CallbackServices services, FlowReporter reporter, CancellationToken cancellationToken)
    {
        var query = context.Request.Query;
        var state = QueryRules.Last(query, "state") ?? QueryRules.Last(query, "payload") ?? QueryRules.Last(query, "customField");
        if (string.IsNullOrEmpty(state))
        {
            if (query.ContainsKey("installation_id") && query.ContainsKey("setup_action"))
            {
                var referer = context.Request.Headers.Referer.ToString();
                return TypedResults.Redirect(Uri.TryCreate(referer, UriKind.Absolute, out var back) && back.Scheme is "https" or "http" ? referer : "https://github.com");
            }

            return ResultPage.Failure(FlowErrors.State, "The provider sent no state, so this sign-in cannot be matched to a request. Start again from the application.");
        }

        // Claimed before anything else: a replayed or concurrent callback with the same state finds nothing (STYLE 7).
        var consumed = await sessions.ConsumeAsync(state, cancellationToken);
        if (consumed is null)
        {
            return ResultPage.Failure(FlowErrors.State, "This sign-in link is unknown or was already used. Start again from the application.");
        }

        var flow = consumed.Flow;
        context.Response.Cookies.Delete(OAuthSessionStore.CookieName(state), new CookieOptions { Path = "/" });
        var (outcome, integrationKey) = await services.CompleteAsync(consumed, context.Request.Cookies[OAuthSessionStore.CookieName(state)], query, cancellationToken);
        return outcome.Failed
            ? await reporter.FailAsync(outcome.Error, flow.WebSocketClientId, integrationKey, flow.ConnectionId, cancellationToken)
            : await reporter.SucceedAsync(flow.WebSocketClientId, integrationKey, flow.ConnectionId, outcome.Value, cancellationToken);
    }
}

/// <summary>The checks and work of a callback after its state was consumed (spec §5.4 steps 2–10).</summary>
public sealed class CallbackServices(
    OAuthSessionStore sessions,
    EnvironmentStore environments,
    IntegrationStore integrations,
    ProviderCatalog catalog,
    OAuthCompletion completion,
    TimeProvider clock)
{
    /// <summary>The provider's display name on success, the failure otherwise; and the integration key either way.</summary>
    public async Task<(Outcome<string> Outcome, string IntegrationKey)> CompleteAsync(
        ConsumedFlow consumed, string? bindingCookie, IQueryCollection query, CancellationToken cancellationToken)
    {
        var integration = await integrations.GetAsync(consumed.Flow.IntegrationId, cancellationToken);
        return (await CheckAndCompleteAsync(consumed, integration, bindingCookie, query, cancellationToken), integration?.UniqueKey ?? "");
    }

    private async Task<Outcome<string>> CheckAndCompleteAsync(
        ConsumedFlow consumed, Integration? integration, string? bindingCookie, IQueryCollection query, CancellationToken cancellationToken)
    {
        var flow = consumed.Flow;
        static ApiError Fail(string type, string message) => ApiError.BadRequest(type, message);

        if (flow.ExpiresAt <= clock.GetUtcNow())
        {
            return Fail(FlowErrors.State, "This sign-in took too long and expired. Start again from the application.");
        }

        // The flow is bound to the browser that started it (DESIGN decision 6): a callback opened elsewhere is refused.
        if (!sessions.MatchesBinding(consumed, bindingCookie))
        {
            return Fail(FlowErrors.StateCookie, "This sign-in was started in another browser. Start again from the application.");
        }

        if (await environments.GetAsync(flow.EnvironmentId, cancellationToken) is null || integration is null)
        {
            return Fail(FlowErrors.EnvironmentGone, "The integration of this sign-in no longer exists.");
        }

        if (!catalog.TryGet(integration.Provider, out var provider))
        {
            return Fail(FlowErrors.UnknownConfigKey, $"Provider '{integration.Provider}' is no longer in the catalog.");
        }

        // RFC 9207: when the provider names its issuer, it must be the one we sent the user to (mix-up defence).
        if (query.TryGetValue("iss", out var issuer) && !IssuerMatches(provider, issuer.ToString()))
        {
            return Fail(FlowErrors.Callback, "The authorization response came from an unexpected issuer.");
        }

        var saved = await completion.CompleteAsync(flow, integration, provider, query, cancellationToken);
        return saved.Failed ? saved.Error : provider.DisplayName;
    }

    private static bool IssuerMatches(Provider provider, string issuer)
    {
        if (provider.Issuer is { } expected)
        {
            return string.Equals(expected.TrimEnd('/'), issuer.TrimEnd('/'), StringComparison.Ordinal);
        }

        // No declared issuer: the authorization endpoint's origin is the issuer the user was sent to.
        return Uri.TryCreate(provider.AuthorizationUrl, UriKind.Absolute, out var authorize) &&
               Uri.TryCreate(issuer, UriKind.Absolute, out var returned) &&
               string.Equals(authorize.GetLeftPart(UriPartial.Authority), returned.GetLeftPart(UriPartial.Authority), StringComparison.OrdinalIgnoreCase);
    }
}

/// <summary>Exchanges the grant for credentials and saves the connection.</summary>
public sealed class OAuthCompletion(OAuth2Flow oauth2, OAuth1Flow oauth1, ConnectionWriter writer)
{
    public async Task<Outcome<SavedConnection>> CompleteAsync(OAuthFlow flow, Integration integration, Provider provider, IQueryCollection query, CancellationToken cancellationToken)
    {
        var completed = provider.AuthMode == AuthModes.OAuth1
            ? await oauth1.CompleteAsync(flow, integration, provider, query, cancellationToken)
            : await oauth2.CompleteAsync(flow, integration, provider, query, cancellationToken);
        if (completed.Failed)
        {
            return completed.Error;
        }

        var ownership = flow.Ownership;
        return await writer.SaveAsync(
            new NewConnection(flow.EnvironmentId, flow.IntegrationId, flow.ConnectionId, completed.Value.Credentials, completed.Value.ExpiresAt,
                completed.Value.ConnectionConfig, ownership.Tags, ownership.EndUser, ownership.Organization, ownership.WebhookUrlOverride),
            cancellationToken);
    }
}
