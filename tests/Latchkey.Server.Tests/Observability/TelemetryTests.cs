using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using System.Net;
using System.Text;
using Latchkey.Server.Hosting;
using Latchkey.Server.Tests.Proxy;
using Microsoft.Extensions.Options;
using OpenTelemetry.Metrics;
using OpenTelemetry.Trace;

namespace Latchkey.Server.Tests.Observability;

/// <summary>Our own metrics, the OTLP export when configured (and nothing when not), and the log format setting.</summary>
public sealed class TelemetryTests
{
    [Fact]
    public async Task CustomMetrics_CountConnectionsRefreshesWebhooksAndProxyCalls()
    {
        await using var receiver = await WebhookReceiver.StartAsync();
        await using var app = await Server.StartAsync();
        using var recorded = new RecordedMetrics(app.Services.GetRequiredService<LatchkeyMetrics>().Meter);
        await app.Backend.PatchAsJsonAsync("/environment", new { webhook = new { primary_url = receiver.Url } }, Server.Cancellation);

        var apiKeyConnection = await ProxyTestApp.ApiKeyConnectionAsync(app, "fake-apikey");
        await app.ConnectApiKeyAsync("fake-apikey", await app.CreateSessionTokenAsync(new { end_user = new { id = "user-2" } }));
        using var proxied = await app.Backend.SendAsync(ProxyTestApp.Call(HttpMethod.Get, "/upstream/echo/x", "fake-apikey", apiKeyConnection), Server.Cancellation);
        var oauthConnection = await OAuthConnectionAsync(app);
        var refreshed = await app.Backend.GetAsync($"/connections/{oauthConnection}?provider_config_key=fake-oauth2&force_refresh=true", Server.Cancellation);
        app.Fake.FailRefresh = true;
        var refused = await app.Backend.GetAsync($"/connections/{oauthConnection}?provider_config_key=fake-oauth2&force_refresh=true", Server.Cancellation);
        await receiver.WaitForAcceptedAsync(3);

        Assert.Equal(HttpStatusCode.OK, proxied.StatusCode);
        Assert.Equal(HttpStatusCode.OK, refreshed.StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);
        Assert.Equal(3, recorded.Sum("latchkey.connections.created"));
        Assert.Equal(2, recorded.Sum("latchkey.connections.created", "latchkey.provider", "fake-apikey"));
        Assert.Equal(1, recorded.Sum("latchkey.refreshes", "latchkey.provider", "fake-oauth2"));
        Assert.Equal(1, recorded.Sum("latchkey.refresh.failures", "latchkey.provider", "fake-oauth2"));
        Assert.Equal(1, recorded.Sum("latchkey.proxy.calls", "http.response.status_code", 200));
        // The dispatcher counts an attempt once it is recorded, just after the receiver has answered.
        Assert.True(await recorded.WaitForAsync("latchkey.webhook.deliveries", "latchkey.outcome", "delivered", atLeast: 3));
    }

    // In a process of its own, configured by the standard environment variables: ASP.NET Core's and HttpClient's
    // instrumentation listen process-wide, which the in-process test servers would share.
    [Fact]
    public async Task OtlpConfigured_ExportsTracesAndMetrics_WithoutTheTokensOfQueryStrings()
    {
        await using var collector = await OtlpReceiver.StartAsync();
        await using var fake = await FakeProvider.StartAsync();
        var providers = Path.Combine(Directory.CreateTempSubdirectory("latchkey-otlp-").FullName, "providers.yaml");
        await File.WriteAllTextAsync(providers, FakeCatalog.Yaml(fake.BaseUrl, fake.TlsBaseUrl), Server.Cancellation);
        await using var server = await ServerProcess.StartBuiltAsync(new Dictionary<string, string>
        {
            ["LATCHKEY_PROVIDERS_FILE"] = providers,
            ["OTEL_EXPORTER_OTLP_ENDPOINT"] = collector.Url,
            ["OTEL_EXPORTER_OTLP_PROTOCOL"] = "http/protobuf",
            ["OTEL_METRIC_EXPORT_INTERVAL"] = "300",
            ["OTEL_BSP_SCHEDULE_DELAY"] = "200",
        });
        (await server.Backend.PostAsJsonAsync("/integrations", new { provider = "fake-apikey", unique_key = "fake-apikey" }, Server.Cancellation)).EnsureSuccessStatusCode();
        var session = await (await server.Backend.PostAsJsonAsync("/connect/sessions", new { end_user = new { id = "user-1" } }, Server.Cancellation)).JsonAsync();
        var token = session["data"]!["token"]!.GetValue<string>();

        // The token rides in the query string; the key is checked with the fake provider over HttpClient.
        var entered = await server.Backend.PostAsJsonAsync($"/api-auth/api-key/fake-apikey?connect_session_token={token}", new { apiKey = FakeProvider.GoodApiKey }, Server.Cancellation);

        Assert.Equal(HttpStatusCode.OK, entered.StatusCode);
        var exported = await collector.WaitUntilAsync(received =>
            received.Bodies("/v1/traces").Any(body => Contains(body, "/api-auth/api-key/{providerConfigKey}")) &&
            received.Bodies("/v1/metrics").Any(body => Contains(body, "latchkey.connections.created")),
            TimeSpan.FromSeconds(20));
        Assert.True(exported, $"traces: {collector.Bodies("/v1/traces").Count} posts, metrics: {collector.Bodies("/v1/metrics").Count} posts");
        var traces = collector.Bodies("/v1/traces");
        Assert.All(traces, body => Assert.NotEmpty(body));
        Assert.Contains(collector.Bodies("/v1/metrics"), body => Contains(body, "http.server.request.duration"));
        Assert.Contains(collector.Bodies("/v1/metrics"), body => Contains(body, "http.client.request.duration"));
        Assert.DoesNotContain(traces, body => Contains(body, token));
        Assert.DoesNotContain(traces, body => Contains(body, FakeProvider.GoodApiKey));
    }

    [Fact]
    public async Task OtlpNotConfigured_RegistersNoTelemetryPipeline()
    {
        await using var app = await Server.StartAsync();

        Assert.Null(app.Services.GetService<TracerProvider>());
        Assert.Null(app.Services.GetService<MeterProvider>());
        Assert.Equal("text", app.Services.GetRequiredService<IOptions<TelemetryOptions>>().Value.LogFormat);
    }

    [Fact]
    public async Task UnknownLogFormat_StopsStartUp_NamingTheSetting()
    {
        var refusal = await Assert.ThrowsAsync<OptionsValidationException>(() => Server.StartAsync(new Dictionary<string, string?> { [Telemetry.LogFormatSetting] = "xml" }));

        Assert.Contains("LATCHKEY_LOG_FORMAT must be text or json.", refusal.Message, StringComparison.Ordinal);
    }

    private static async Task<string> OAuthConnectionAsync(TestApp app)
    {
        await app.CreateIntegrationAsync("fake-oauth2", credentials: new { type = "OAUTH2", client_id = FakeProvider.ClientId, client_secret = FakeProvider.ClientSecret, scopes = "read" });
        await using var socket = await SdkSocket.ConnectAsync(app.BaseUrl);
        using var browser = new OAuthBrowser();
        await browser.CompleteAsync($"{app.BaseUrl}/oauth/connect/fake-oauth2?connect_session_token={await app.CreateSessionTokenAsync()}&ws_client_id={socket.ClientId}");
        return (await socket.ReceiveAsync(TimeSpan.FromSeconds(10)))!["connection_id"]!.GetValue<string>();
    }

    private static bool Contains(byte[] body, string text) => body.AsSpan().IndexOf(Encoding.UTF8.GetBytes(text)) >= 0;

    /// <summary>Every measurement of one server's meter (other servers of the test run have meters of their own).</summary>
    private sealed class RecordedMetrics : IDisposable
    {
        private readonly MeterListener _listener = new();
        private readonly ConcurrentQueue<(string Name, long Value, KeyValuePair<string, object?>[] Tags)> _measurements = new();

        public RecordedMetrics(Meter meter)
        {
            _listener.InstrumentPublished = (instrument, listener) =>
            {
                if (ReferenceEquals(instrument.Meter, meter))
                {
                    listener.EnableMeasurementEvents(instrument);
                }
            };
            _listener.SetMeasurementEventCallback<long>((instrument, value, tags, _) => _measurements.Enqueue((instrument.Name, value, tags.ToArray())));
            _listener.Start();
        }

        public long Sum(string name, string? tag = null, object? value = null) => _measurements
            .Where(measurement => measurement.Name == name)
            .Where(measurement => tag is null || measurement.Tags.Any(pair => pair.Key == tag && Equals(pair.Value, value)))
            .Sum(measurement => measurement.Value);

        public async Task<bool> WaitForAsync(string name, string tag, object value, long atLeast)
        {
            for (var deadline = DateTime.UtcNow.AddSeconds(10); Sum(name, tag, value) < atLeast; await Task.Delay(50))
            {
                if (DateTime.UtcNow > deadline)
                {
                    return false;
                }
            }

            return true;
        }

        public void Dispose() => _listener.Dispose();
    }
}
