using Latchkey.Server.Hosting;
using Latchkey.Server.Integrations;
using Latchkey.Server.Logs;
using Latchkey.Server.Providers;

namespace Latchkey.Server.OAuth;

/// <summary>Writes OAuth flows to the auth log: how each ended, in steps, never with a code, token or state.</summary>
public sealed class FlowLog(AuthLogWriter authLog, TimeProvider clock)
{
    public bool HasExpired(OAuthFlow flow) => flow.ExpiresAt <= clock.GetUtcNow();

    public void RecordCallback(OAuthFlow flow, Integration? integration, Provider? provider, ApiError? failure)
    {
        var now = clock.GetUtcNow();
        var startedAt = flow.ExpiresAt - OAuthSessionStore.Lifetime;
        var steps = new List<AuthLogStep>
        {
            new("redirected to the provider", startedAt, provider?.Name),
            new("callback received", now, failure is null ? "authorization granted, token exchanged, connection saved" : failure.Code),
        };
        authLog.Record(new AuthLogEntry(flow.EnvironmentId, Kind(provider), integration?.UniqueKey ?? "", flow.ConnectionId, failure is null,
            failure?.Code, failure?.Message, steps, startedAt, now - startedAt));
    }

    public void RecordStartFailure(PreparedFlow prepared, ApiError failure)
    {
        var now = clock.GetUtcNow();
        authLog.Record(new AuthLogEntry(prepared.Entry.Caller.EnvironmentId, Kind(prepared.Entry.Provider), prepared.Entry.Integration.UniqueKey,
            prepared.Entry.ConnectionId, false, failure.Code, failure.Message, [new("start", now, failure.Code)], now, TimeSpan.Zero));
    }

    private static string Kind(Provider? provider) => provider?.AuthMode switch
    {
        AuthModes.OAuth1 => "oauth1",
        AuthModes.App => "app",
        AuthModes.Custom => "custom",
        _ => "oauth2",
    };
}
