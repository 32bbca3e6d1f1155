using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using Latchkey.Sample;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;

namespace Latchkey.Client.Tests;

/// <summary>
/// The sample backend (samples/Latchkey.Sample) against the real server: its session endpoint, the page's assets,
/// its webhook route and its connection read. The Connect UI step in between is done the way the Connect UI does it
/// (the credential-entry endpoint with the session token).
/// </summary>
public sealed class SampleTests
{
    [Fact]
    public async Task TheSample_CreatesASession_ReadsTheConnectionMade_AndReceivesSignedWebhooks()
    {
        await using var latchkey = await Server.StartAsync();
        await latchkey.CreateIntegrationAsync("fake-apikey");
        await using var host = await StartSampleAsync(latchkey);
        var sample = host.Client;

        var session = await (await sample.PostAsync("/api/session", null, Server.Cancellation)).Content.ReadFromJsonAsync<JsonObject>(Server.Cancellation);
        var token = session!["sessionToken"]!.GetValue<string>();
        var connectionId = await latchkey.ConnectApiKeyAsync("fake-apikey", token);
        var connection = await (await sample.GetAsync($"/api/connection/fake-apikey/{connectionId}", Server.Cancellation)).Content.ReadFromJsonAsync<JsonObject>(Server.Cancellation);
        var missing = await sample.GetAsync("/api/connection/fake-apikey/nope", Server.Cancellation);

        Assert.Equal(("API_KEY", "demo-user", connectionId), (connection!["credentialType"]!.GetValue<string>(), connection["endUserId"]!.GetValue<string>(), connection["connectionId"]!.GetValue<string>()));
        Assert.StartsWith("fake…", connection["maskedSecret"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.DoesNotContain(FakeProvider.GoodApiKey, connection.ToJsonString(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.NotFound, missing.StatusCode);

        // A webhook signed with the environment's key (the default signing key) is accepted; a forged one is not.
        var body = WebhookSender.Body.Replace("4c1e5f0e-1b2c-4d5e-8f90-a1b2c3d4e5f6", connectionId, StringComparison.Ordinal);
        var accepted = await PostWebhookAsync(sample, body, WebhookSender.Headers(latchkey.SecretKey, body, DateTimeOffset.UtcNow));
        var forged = await PostWebhookAsync(sample, body, WebhookSender.Headers("lk_sk_" + new string('0', 64), body, DateTimeOffset.UtcNow));
        var received = await sample.GetFromJsonAsync<JsonArray>("/api/webhooks", Server.Cancellation);

        Assert.Equal((HttpStatusCode.OK, HttpStatusCode.Unauthorized), (accepted.StatusCode, forged.StatusCode));
        Assert.Equal(connectionId, Assert.Single(received!)!["connectionId"]!.GetValue<string>());
    }

    [Fact]
    public async Task ThePage_LoadsTheBrowserSdkAndItsConfiguration()
    {
        await using var latchkey = await Server.StartAsync();
        await using var host = await StartSampleAsync(latchkey);
        var sample = host.Client;

        var page = await sample.GetStringAsync("/", Server.Cancellation);
        var script = await sample.GetAsync("/latchkey-frontend.global.js", Server.Cancellation);
        var config = await sample.GetStringAsync("/config.js", Server.Cancellation);

        Assert.Contains("openConnectUI", page, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.OK, script.StatusCode);
        Assert.Contains("ConnectUI", await script.Content.ReadAsStringAsync(Server.Cancellation), StringComparison.Ordinal);
        Assert.Contains(latchkey.BaseUrl, config, StringComparison.Ordinal);
    }

    private static async Task<HttpResponseMessage> PostWebhookAsync(HttpClient sample, string body, Dictionary<string, string> headers)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/webhooks/latchkey") { Content = new StringContent(body, Encoding.UTF8, "application/json") };
        foreach (var (name, value) in headers.Where(h => h.Key != "Content-Type"))
        {
            request.Headers.TryAddWithoutValidation(name, value);
        }

        return await sample.SendAsync(request, Server.Cancellation);
    }

    private static async Task<SampleHost> StartSampleAsync(TestApp latchkey)
    {
        var app = SampleApp.Build([], builder =>
        {
            builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
            {
                ["LATCHKEY_URL"] = latchkey.BaseUrl,
                ["LATCHKEY_SECRET_KEY"] = latchkey.SecretKey,
            });
            builder.WebHost.UseUrls("http://127.0.0.1:0");
            builder.Logging.ClearProviders();
        });
        await app.StartAsync(Server.Cancellation);
        return new SampleHost(app);
    }

    /// <summary>The sample app on loopback and an HTTP client for it.</summary>
    private sealed class SampleHost(WebApplication app) : IAsyncDisposable
    {
        public HttpClient Client { get; } = new()
        {
            BaseAddress = new Uri(app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First()),
        };

        public async ValueTask DisposeAsync()
        {
            Client.Dispose();
            await app.DisposeAsync();
        }
    }
}
