using Latchkey.Server.Connections;
using Latchkey.Server.Environments;
using Latchkey.Server.Hosting;
using Latchkey.Server.Integrations;
using Latchkey.Server.Providers;

namespace Latchkey.Server.OAuth;

/// <summary>A callback that saved its connection: what the result page and the SDK are told.</summary>
public sealed record CallbackSuccess(string ProviderName, string ConnectionId, bool IsPending);

/// <summary>
/// An OAuth callback once its state was claimed (spec §5.4 steps 2–10): the checks, the exchange by the flow's grant,
/// the save, and the auth log entry. The one place a callback is handled, for OAuth 1 and 2 alike.
/// </summary>
public sealed class OAuthCallback(
    OAuthSessionStore sessions,
    EnvironmentStore environments,
    IntegrationStore integrations,
    ProviderCatalog catalog,
    AuthorizationGrants grants,
    ConnectionWriter writer,
    ConnectionLimits limits,
    FlowLog flowLog)
{
    /// <summary>What was saved on success, the failure otherwise; and the integration key either way.</summary>
    public async Task<(Outcome<CallbackSuccess> Outcome, string IntegrationKey)> CompleteAsync(
        ConsumedFlow consumed, string? bindingCookie, IQueryCollection query, CancellationToken cancellationToken)
    {
        var integration = await integrations.GetAsync(consumed.Flow.IntegrationId, cancellationToken);
        var outcome = await CheckAndCompleteAsync(consumed, integration, bindingCookie, query, cancellationToken);
        flowLog.RecordCallback(consumed.Flow, integration, catalog.Find(integration?.Provider ?? ""), outcome.Failed ? outcome.Error : null);
        return (outcome, integration?.UniqueKey ?? "");
    }

    private async Task<Outcome<CallbackSuccess>> CheckAndCompleteAsync(
        ConsumedFlow consumed, Integration? integration, string? bindingCookie, IQueryCollection query, CancellationToken cancellationToken)
    {
        var flow = consumed.Flow;
        static ApiError Fail(string type, string message) => ApiError.BadRequest(type, message);

        if (flowLog.HasExpired(flow))
        {
            return Fail(ErrorCodes.StateErr, "This sign-in took too long and expired. Start again from the application.");
        }

        // The flow is bound to the browser that started it (DESIGN decision 6): a callback opened elsewhere is refused.
        if (!sessions.MatchesBinding(consumed, bindingCookie))
        {
            return Fail(ErrorCodes.StateCookieErr, "This sign-in was started in another browser. Start again from the application.");
        }

        if (await environments.GetAsync(flow.EnvironmentId, cancellationToken) is not { } environment || integration is null)
        {
            return Fail(ErrorCodes.EnvironmentRetrievalErr, "The integration of this sign-in no longer exists.");
        }

        if (!catalog.TryGet(integration.Provider, out var provider))
        {
            return Fail(ErrorCodes.UnknownConfigKey, $"Provider '{integration.Provider}' is no longer in the catalog.");
        }

        // RFC 9207: when the provider names its issuer, it must be the one we sent the user to (mix-up defence). An MCP
        // server's issuer was discovered, so its grant checks it.
        if (query.TryGetValue("iss", out var issuer) && !McpServers.IsMcp(provider.AuthMode) && !IssuerMatches(provider, flow, issuer.ToString()))
        {
            return Fail(ErrorCodes.CallbackErr, "The authorization response came from an unexpected issuer.");
        }

        var completed = await grants.For(provider).CompleteAsync(flow, integration, provider, query, cancellationToken);
        if (completed.Failed)
        {
            return completed.Error;
        }

        var ownership = flow.Ownership;
        var connectionId = completed.Value.ConnectionId ?? flow.ConnectionId;
        var saved = await writer.SaveAsync(
            new NewConnection(flow.EnvironmentId, flow.IntegrationId, integration.UniqueKey, integration.Provider, connectionId,
                completed.Value.Credentials, completed.Value.ExpiresAt, completed.Value.ConnectionConfig, ownership.Tags, ownership.EndUser,
                ownership.Organization, ownership.WebhookUrlOverride, Limits: limits.For(environment, flow.ConnectSessionId)),
            cancellationToken);
        if (saved.Failed)
        {
            return saved.Error;
        }

        return new CallbackSuccess(provider.DisplayName, connectionId, completed.Value.IsPending);
    }

    private static bool IssuerMatches(Provider provider, OAuthFlow flow, string issuer)
    {
        if (provider.Issuer is { } expected)
        {
            return string.Equals(expected.TrimEnd('/'), issuer.TrimEnd('/'), StringComparison.Ordinal);
        }

        // No declared issuer: the origin of the authorization endpoint the user was sent to (rendered with this flow's
        // settings, for hosts like a Salesforce My Domain) is the issuer.
        return ProviderUrls.Render(provider.AuthorizationUrl ?? "", TemplateValues.Of(flow.ConnectionConfig)) is { } authorize &&
               Uri.TryCreate(issuer, UriKind.Absolute, out var returned) &&
               string.Equals(authorize.GetLeftPart(UriPartial.Authority), returned.GetLeftPart(UriPartial.Authority), StringComparison.OrdinalIgnoreCase);
    }
}
