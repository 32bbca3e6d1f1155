using System.Diagnostics.Metrics;

namespace Latchkey.Server.Hosting;

/// <summary>
/// Latchkey's own metrics (meter <c>Latchkey.Server</c>), exported beside ASP.NET Core's and HttpClient's when OTLP is
/// configured. Without a listener an <c>Add</c> is a field check, so the features record unconditionally. Tags stay
/// few and bounded (provider names, outcomes, HTTP methods and statuses): never a connection id or an end user.
/// </summary>
public sealed class LatchkeyMetrics
{
    public const string MeterName = "Latchkey.Server";

    private readonly Counter<long> _connectionsCreated;
    private readonly Counter<long> _refreshes;
    private readonly Counter<long> _refreshFailures;
    private readonly Counter<long> _webhookDeliveries;
    private readonly Counter<long> _proxyCalls;

    public LatchkeyMetrics(IMeterFactory meters)
    {
        Meter = meters.Create(MeterName);
        _connectionsCreated = Meter.CreateCounter<long>("latchkey.connections.created", "{connection}", "Connections created (re-authorizations are not counted).");
        _refreshes = Meter.CreateCounter<long>("latchkey.refreshes", "{refresh}", "Credentials refreshed with the provider.");
        _refreshFailures = Meter.CreateCounter<long>("latchkey.refresh.failures", "{refresh}", "Refreshes the provider refused or that failed.");
        _webhookDeliveries = Meter.CreateCounter<long>("latchkey.webhook.deliveries", "{attempt}", "Auth webhook delivery attempts, by outcome.");
        _proxyCalls = Meter.CreateCounter<long>("latchkey.proxy.calls", "{call}", "Calls through /proxy, by method and answered status.");
    }

    /// <summary>This server's meter (each server in a process has its own, which tests rely on).</summary>
    public Meter Meter { get; }

    public void ConnectionCreated(string provider) => _connectionsCreated.Add(1, Tag("latchkey.provider", provider));

    public void Refreshed(string provider) => _refreshes.Add(1, Tag("latchkey.provider", provider));

    public void RefreshFailed(string provider, string errorType) =>
        _refreshFailures.Add(1, Tag("latchkey.provider", provider), Tag("error.type", errorType));

    /// <summary><paramref name="outcome"/>: <c>delivered</c>, <c>retrying</c> or <c>failed</c>.</summary>
    public void WebhookAttempted(string outcome) => _webhookDeliveries.Add(1, Tag("latchkey.outcome", outcome));

    public void ProxyCalled(string method, int status) =>
        _proxyCalls.Add(1, Tag("http.request.method", method), Tag("http.response.status_code", status));

    private static KeyValuePair<string, object?> Tag(string name, object? value) => new(name, value);
}
