using System.Collections.Concurrent;
using System.Net;
using System.Text;
using Latchkey.Client.AspNetCore;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;

namespace Latchkey.Client.Tests;

public sealed class WebhookEndpointTests
{
    private const string Key = "lk_sk_fedcba9876543210fedcba9876543210fedcba9876543210fedcba9876543210";

    [Fact]
    public async Task AValidDelivery_ReachesTheHandler_Typed_WithServicesBoundBeside()
    {
        await using var receiver = await Receiver.StartAsync();

        var response = await receiver.PostAsync(WebhookSender.Body, WebhookSender.Headers(Key, WebhookSender.Body, DateTimeOffset.UtcNow, "event-a"));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("handled 4c1e5f0e-1b2c-4d5e-8f90-a1b2c3d4e5f6", await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken));
        var hook = Assert.Single(receiver.Received);
        Assert.Equal(("creation", "event-a", "u_42"), (hook.Operation, hook.EventId, hook.EndUser?.EndUserId));
    }

    [Fact]
    public async Task ATamperedOrUnsignedOrStaleDelivery_Is401_AndNeverReachesTheHandler()
    {
        await using var receiver = await Receiver.StartAsync();
        var tampered = WebhookSender.Body.Replace("u_42", "u_43", StringComparison.Ordinal);

        var badBody = await receiver.PostAsync(tampered, WebhookSender.Headers(Key, WebhookSender.Body, DateTimeOffset.UtcNow));
        var wrongKey = await receiver.PostAsync(WebhookSender.Body, WebhookSender.Headers(Key + "0", WebhookSender.Body, DateTimeOffset.UtcNow));
        var stale = await receiver.PostAsync(WebhookSender.Body, WebhookSender.Headers(Key, WebhookSender.Body, DateTimeOffset.UtcNow.AddMinutes(-10)));
        var unsigned = await receiver.PostAsync(WebhookSender.Body, new Dictionary<string, string>());

        Assert.All([badBody, wrongKey, stale, unsigned], r => Assert.Equal(HttpStatusCode.Unauthorized, r.StatusCode));
        Assert.Contains("invalid_webhook", await stale.Content.ReadAsStringAsync(TestContext.Current.CancellationToken), StringComparison.Ordinal);
        Assert.Empty(receiver.Received);
    }

    [Fact]
    public async Task AReplay_IsAcknowledgedWithoutCallingTheHandlerTwice()
    {
        await using var receiver = await Receiver.StartAsync();
        var headers = WebhookSender.Headers(Key, WebhookSender.Body, DateTimeOffset.UtcNow, "event-b");

        var first = await receiver.PostAsync(WebhookSender.Body, headers);
        var replay = await receiver.PostAsync(WebhookSender.Body, headers);

        Assert.Equal((HttpStatusCode.OK, HttpStatusCode.OK), (first.StatusCode, replay.StatusCode));
        Assert.Single(receiver.Received);
    }

    [Fact]
    public async Task WhenTheHandlerFails_TheSendersRetryIsHandled()
    {
        await using var receiver = await Receiver.StartAsync(failFirst: true);
        var attempt = WebhookSender.Headers(Key, WebhookSender.Body, DateTimeOffset.UtcNow, "event-c");
        var retry = WebhookSender.Headers(Key, WebhookSender.Body, DateTimeOffset.UtcNow.AddSeconds(2), "event-c");

        var failed = await receiver.PostAsync(WebhookSender.Body, attempt);
        var retried = await receiver.PostAsync(WebhookSender.Body, retry);

        Assert.Equal((HttpStatusCode.InternalServerError, HttpStatusCode.OK), (failed.StatusCode, retried.StatusCode));
        Assert.Equal(2, receiver.Received.Count);
    }

    [Fact]
    public async Task MappingWithoutTheRegistration_IsRefused_SoAHookIsNeverBoundUnverified()
    {
        var builder = WebApplication.CreateSlimBuilder();
        await using var app = builder.Build();

        var error = Assert.Throws<InvalidOperationException>(() => app.MapLatchkeyWebhook("/webhooks/latchkey", (AuthWebhook hook) => Results.Ok()));

        Assert.Contains("AddLatchkeyWebhooks", error.Message, StringComparison.Ordinal);
    }

    /// <summary>A minimal-API app on loopback with one webhook route, recording what its handler receives.</summary>
    private sealed class Receiver : IAsyncDisposable
    {
        private readonly WebApplication _app;
        private readonly HttpClient _http;

        private Receiver(WebApplication app, ConcurrentQueue<AuthWebhook> received)
        {
            _app = app;
            Received = received;
            var url = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
            _http = new HttpClient { BaseAddress = new Uri(url) };
        }

        public ConcurrentQueue<AuthWebhook> Received { get; }

        public static async Task<Receiver> StartAsync(bool failFirst = false)
        {
            var received = new ConcurrentQueue<AuthWebhook>();
            var builder = WebApplication.CreateSlimBuilder();
            builder.WebHost.UseUrls("http://127.0.0.1:0");
            builder.Logging.ClearProviders();
            builder.Services.AddSingleton(received);
            builder.Services.AddLatchkeyWebhooks(options => options.SigningKey = Key);
            var app = builder.Build();
            var calls = 0;
            app.MapLatchkeyWebhook("/webhooks/latchkey", (AuthWebhook hook, ConcurrentQueue<AuthWebhook> store) =>
            {
                store.Enqueue(hook);
                return failFirst && Interlocked.Increment(ref calls) == 1
                    ? Results.StatusCode(500)
                    : Results.Text($"handled {hook.ConnectionId}");
            });
            await app.StartAsync();
            return new Receiver(app, received);
        }

        public async Task<HttpResponseMessage> PostAsync(string body, Dictionary<string, string> headers)
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, "/webhooks/latchkey") { Content = new StringContent(body, Encoding.UTF8, "application/json") };
            foreach (var (name, value) in headers.Where(h => h.Key != "Content-Type"))
            {
                request.Headers.TryAddWithoutValidation(name, value);
            }

            return await _http.SendAsync(request, TestContext.Current.CancellationToken);
        }

        public async ValueTask DisposeAsync()
        {
            _http.Dispose();
            await _app.DisposeAsync();
        }
    }
}
