using Latchkey.Server.Callers;
using Latchkey.Server.Environments;
using Latchkey.Server.Hosting;
using Latchkey.Server.Hosting.Validation;
using Latchkey.Server.Providers;

namespace Latchkey.Server.OAuth;

/// <summary>The browser navigations of an OAuth flow (spec §4.5): the start in the SDK's popup, and the provider's callback.</summary>
public static class OAuthEndpoints
{
    /// <summary>
    /// <c>GET /oauth/connect/:key</c>: validates, stores the flow, binds it to this browser, redirects to the provider.
    /// With <c>return_to</c> (redirect mode) the address is checked first: refused, it is a JSON error and nothing starts.
    /// </summary>
    public static async Task<IResult> ConnectAsync(
        string providerConfigKey, Caller caller, HttpContext context, FlowPreparation preparation, AuthorizationGrants grants,
        FlowReporter reporter, FlowLog flowLog, EnvironmentStore environments, PublicUrls urls, CancellationToken cancellationToken)
    {
        var query = context.Request.Query;
        var webSocketClientId = QueryRules.Last(query, "ws_client_id");
        var returnTo = QueryRules.Last(query, ReturnAddress.QueryKey) is { } requested
            ? ReturnAddress.Check(requested, (await environments.GetSettingsAsync(caller.EnvironmentId, cancellationToken)).AllowedOrigins, urls.ConnectUi)
            : (string?)null;
        if (returnTo.Failed)
        {
            return returnTo.Error;
        }

        var prepared = await preparation.PrepareAsync(caller, providerConfigKey, query, cancellationToken);
        if (prepared.Failed)
        {
            return await reporter.FailAsync(prepared.Error, webSocketClientId, providerConfigKey, "", cancellationToken, returnTo.Value);
        }

        var flow = prepared.Value with { ReturnTo = returnTo.Value };
        var started = await grants.For(flow.Entry.Provider).StartAsync(flow, cancellationToken);
        if (started.Failed)
        {
            flowLog.RecordStartFailure(flow, started.Error);
            return await reporter.FailAsync(started.Error, webSocketClientId, providerConfigKey, flow.Entry.ConnectionId, cancellationToken, returnTo.Value);
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

    /// <summary>
    /// The failure page of <c>/oauth/connect</c>: whatever stops the request before or inside the handler (a bad
    /// token, the rate limit, an unexpected error) ends on the result page and on the SDK's WebSocket, so both the
    /// opener and <c>auth()</c> learn the error type instead of waiting (a deliberate step beyond spec §4.5, which
    /// answers request problems as JSON). The socket id is the server's own random id, known only to the SDK that
    /// holds the socket and to its popup.
    /// </summary>
    public static async Task AnswerConnectFailureAsync(HttpContext context, ApiError error)
    {
        var reporter = context.RequestServices.GetRequiredService<FlowReporter>();
        var integrationKey = context.GetRouteValue("providerConfigKey") as string ?? "";
        var page = await reporter.FailAsync(error, QueryRules.Last(context.Request.Query, "ws_client_id") is { Length: > 0 } id ? id : null,
            integrationKey, "", context.RequestAborted);
        await page.ExecuteAsync(context);
    }

    /// <summary><c>GET /oauth/callback</c>: consumes the state first, then checks, exchanges, saves and reports.</summary>
    public static async Task<IResult> CallbackAsync(
        HttpContext context, OAuthSessionStore sessions, OAuthCallback callback, FlowReporter reporter, CancellationToken cancellationToken)
    {
        var query = context.Request.Query;
        var state = ProviderQuirks.CallbackState(query);
        if (string.IsNullOrEmpty(state))
        {
            return ProviderQuirks.AppSetupReturn(query, context.Request.Headers.Referer.ToString()) is { } back
                ? TypedResults.Redirect(back)
                : ResultPage.Failure(ErrorCodes.StateErr, "The provider sent no state, so this sign-in cannot be matched to a request. Start again from the application.");
        }

        // Claimed before anything else: a replayed or concurrent callback with the same state finds nothing (STYLE 7).
        var consumed = await sessions.ConsumeAsync(state, cancellationToken);
        if (consumed is null)
        {
            return ResultPage.Failure(ErrorCodes.StateErr, "This sign-in link is unknown or was already used. Start again from the application.");
        }

        var flow = consumed.Flow;
        var binding = context.Request.Cookies[OAuthSessionStore.CookieName(state)];
        context.Response.Cookies.Delete(OAuthSessionStore.CookieName(state), new CookieOptions { Path = "/" });
        var (outcome, integrationKey) = await callback.CompleteAsync(consumed, binding, query, cancellationToken);
        return outcome.Failed
            ? await reporter.FailAsync(outcome.Error, flow.WebSocketClientId, integrationKey, flow.ConnectionId, cancellationToken, flow.ReturnTo)
            : await reporter.SucceedAsync(flow.WebSocketClientId, integrationKey, outcome.Value, cancellationToken, flow.ReturnTo);
    }
}
