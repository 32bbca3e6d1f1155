using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Latchkey.Server.Connections;
using Latchkey.Server.Webhooks;
using Microsoft.Extensions.Time.Testing;

namespace Latchkey.Server.Tests.Webhooks;

public sealed class AuthWebhookTests
{
    private static readonly Dictionary<string, string?> FastPoll = new() { ["LATCHKEY_WEBHOOK_POLL_MS"] = "50" };

    [Fact]
    public async Task Creation_ReceiverGetsSortedPayload_WithAllThreeSignaturesValid()
    {
        await using var receiver = await WebhookReceiver.StartAsync();
        await using var app = await Server.StartAsync(FastPoll);
        await UseReceiverAsync(app, receiver);
        await app.CreateIntegrationAsync("fake-apikey");

        var connectionId = await app.ConnectApiKeyAsync("fake-apikey", await app.CreateSessionTokenAsync(new
        {
            end_user = new { id = "u_42", email = "ada@example.com" },
            organization = new { id = "org_1" },
        }));
        var hook = (await receiver.WaitForAcceptedAsync(1))[0];

        var body = hook.Body;
        var json = JsonNode.Parse(body)!.AsObject();
        Assert.Equal("application/json", hook.Header("Content-Type"));
        Assert.Equal(connectionId, json["connectionId"]!.GetValue<string>());
        Assert.Equal("creation", json["operation"]!.GetValue<string>());
        Assert.True(json["success"]!.GetValue<bool>());
        Assert.Equal("auth", json["type"]!.GetValue<string>());
        Assert.Equal("nango", json["from"]!.GetValue<string>());
        Assert.Equal("dev", json["environment"]!.GetValue<string>());
        Assert.Equal("fake-apikey", json["providerConfigKey"]!.GetValue<string>());
        Assert.Equal("API_KEY", json["authMode"]!.GetValue<string>());
        Assert.Equal("u_42", json["endUser"]!["endUserId"]!.GetValue<string>());
        Assert.Equal("org_1", json["endUser"]!["organizationId"]!.GetValue<string>());
        Assert.Equal("u_42", json["tags"]!["end_user_id"]!.GetValue<string>());
        AssertKeysSorted(JsonDocument.Parse(body).RootElement);

        // Each signature recomputed here from its definition, over the exact bytes received.
        var key = Encoding.UTF8.GetBytes(app.SecretKey);
        var eventId = hook.Header("X-Latchkey-Event-Id");
        var timestamp = hook.Header("X-Latchkey-Timestamp");
        Assert.Equal(Convert.ToHexStringLower(SHA256.HashData((byte[])[.. key, .. hook.RawBody])), hook.Header("X-Nango-Signature"));
        Assert.Equal(Convert.ToHexStringLower(HMACSHA256.HashData(key, hook.RawBody)), hook.Header("X-Nango-Hmac-Sha256"));
        Assert.Equal("v1=" + Convert.ToHexStringLower(HMACSHA256.HashData(key, (byte[])[.. Encoding.UTF8.GetBytes($"{eventId}.{timestamp}."), .. hook.RawBody])),
            hook.Header("X-Latchkey-Signature"));
        Assert.True(Guid.TryParse(eventId, out var parsed) && parsed.Version == 4);
        Assert.InRange(long.Parse(timestamp, System.Globalization.CultureInfo.InvariantCulture), DateTimeOffset.UtcNow.AddMinutes(-5).ToUnixTimeSeconds(), DateTimeOffset.UtcNow.AddMinutes(5).ToUnixTimeSeconds());
    }

    [Fact]
    public async Task SeparateSigningKey_SignsInsteadOfTheSecretKey_AndSecondaryGetsTheSameBody()
    {
        await using var primary = await WebhookReceiver.StartAsync();
        await using var secondary = await WebhookReceiver.StartAsync();
        await using var app = await Server.StartAsync(FastPoll);
        await app.Backend.PatchAsJsonAsync("/environment", new { webhook = new { primary_url = primary.Url, secondary_url = secondary.Url } }, Server.Cancellation);
        var signingKey = (await (await app.Backend.PostAsync("/environment/webhook-signing-key", null, Server.Cancellation)).JsonAsync())["data"]!["signing_key"]!.GetValue<string>();
        await app.CreateIntegrationAsync("fake-apikey");

        await app.ConnectApiKeyAsync("fake-apikey", await app.CreateSessionTokenAsync());
        var first = (await primary.WaitForAcceptedAsync(1))[0];
        var second = (await secondary.WaitForAcceptedAsync(1))[0];

        Assert.Equal(first.Body, second.Body);
        Assert.Equal(Convert.ToHexStringLower(HMACSHA256.HashData(Encoding.UTF8.GetBytes(signingKey), first.RawBody)), first.Header("X-Nango-Hmac-Sha256"));
    }

    [Fact]
    public async Task ConnectionWebhookOverride_ReplacesPrimary_AndSuppressesSecondary()
    {
        await using var primary = await WebhookReceiver.StartAsync();
        await using var secondary = await WebhookReceiver.StartAsync();
        await using var own = await WebhookReceiver.StartAsync();
        await using var app = await Server.StartAsync(FastPoll);
        await app.Backend.PatchAsJsonAsync("/environment", new { webhook = new { primary_url = primary.Url, secondary_url = secondary.Url } }, Server.Cancellation);
        await app.CreateIntegrationAsync("fake-apikey");

        await app.ConnectApiKeyAsync("fake-apikey", await app.CreateSessionTokenAsync(new { end_user = new { id = "u1" }, webhook_url_override = own.Url }));
        await own.WaitForAcceptedAsync(1);
        var deliveries = await WaitForSettledDeliveriesAsync(app);

        Assert.Equal([own.Url], deliveries.Select(d => d.Url));
        Assert.Empty(primary.All);
        Assert.Empty(secondary.All);
    }

    [Fact]
    public async Task Reconnect_SendsOverride_EvenWithCreationWebhooksOff()
    {
        await using var receiver = await WebhookReceiver.StartAsync();
        await using var app = await Server.StartAsync(FastPoll);
        await app.Backend.PatchAsJsonAsync("/environment", new { webhook = new { primary_url = receiver.Url, on_auth_creation = false } }, Server.Cancellation);
        await app.CreateIntegrationAsync("fake-apikey");
        var connectionId = await app.ConnectApiKeyAsync("fake-apikey", await app.CreateSessionTokenAsync());

        var reconnect = await app.Backend.PostAsJsonAsync("/connect/sessions/reconnect", new { connection_id = connectionId, integration_id = "fake-apikey" }, Server.Cancellation);
        var token = (await reconnect.JsonAsync())["data"]!["token"]!.GetValue<string>();
        var again = await app.ConnectApiKeyAsync("fake-apikey", token);
        var hooks = await receiver.WaitForAcceptedAsync(1);

        Assert.Equal(connectionId, again);
        var body = JsonNode.Parse(hooks.Single().Body)!;
        Assert.Equal("override", body["operation"]!.GetValue<string>());
        Assert.Equal(connectionId, body["connectionId"]!.GetValue<string>());
    }

    [Fact]
    public async Task FailedVerification_SendsNoWebhook()
    {
        await using var receiver = await WebhookReceiver.StartAsync();
        await using var app = await Server.StartAsync(FastPoll);
        await UseReceiverAsync(app, receiver);
        await app.CreateIntegrationAsync("fake-apikey");

        var token = await app.CreateSessionTokenAsync();
        var refused = await app.Http.PostAsJsonAsync($"/api-auth/api-key/fake-apikey?connect_session_token={token}", new { apiKey = "wrong" }, Server.Cancellation);
        // A connection made afterwards is delivered: the receiver is reachable, and an event of the refused attempt
        // would be in the outbox before this one's.
        var connectionId = await app.ConnectApiKeyAsync("fake-apikey", await app.CreateSessionTokenAsync());
        await receiver.WaitForAcceptedAsync(1);
        var deliveries = await WaitForSettledDeliveriesAsync(app);

        Assert.Equal(System.Net.HttpStatusCode.BadRequest, refused.StatusCode);
        Assert.Equal([connectionId], deliveries.Select(d => d.ConnectionId));
        Assert.Equal([connectionId], receiver.All.Select(r => JsonNode.Parse(r.Body)!["connectionId"]!.GetValue<string>()));
    }

    [Fact]
    public async Task ReceiverFailingTwice_GetsTheEventOnTheThirdTry_AfterTheBackoff()
    {
        var clock = new FakeTimeProvider(DateTimeOffset.UtcNow);
        await using var receiver = await WebhookReceiver.StartAsync(failFirst: 2);
        await using var app = await Server.StartAsync(FastPoll, clock);
        await UseReceiverAsync(app, receiver);
        await app.CreateIntegrationAsync("fake-apikey");

        var start = clock.GetUtcNow();
        await app.ConnectApiKeyAsync("fake-apikey", await app.CreateSessionTokenAsync());
        await WaitForRecordedAttemptAsync(app, 1);
        // Not due before the backoff has passed on the clock, which only the test moves.
        var scheduled = Assert.Single(await DeliveriesAsync(app));
        Assert.Equal((DeliveryState.Pending, 1), (scheduled.State, scheduled.Attempts));
        Assert.Equal((start + TimeSpan.FromSeconds(10)).ToUnixTimeMilliseconds(), scheduled.NextAttemptAt);

        clock.Advance(TimeSpan.FromSeconds(10));
        await WaitForRecordedAttemptAsync(app, 2);
        clock.Advance(TimeSpan.FromSeconds(20));
        var accepted = await receiver.WaitForAcceptedAsync(1);

        // Each attempt is stamped with the clock at its start: none went out before its backoff had passed.
        var t0 = start.ToUnixTimeSeconds();
        Assert.Equal([t0, t0 + 10, t0 + 30], receiver.All.Select(r => long.Parse(r.Header("X-Latchkey-Timestamp"), System.Globalization.CultureInfo.InvariantCulture)));
        Assert.Single(receiver.All.Select(r => r.Header("X-Latchkey-Event-Id")).Distinct());
        Assert.Equal(receiver.All[0].Body, accepted[0].Body);
    }

    [Fact]
    public async Task WebhookRefusedByTheOutboundGuard_FailsAtOnce_WithTheReason()
    {
        await using var app = await Server.StartAsync(FastPoll);
        // 127.0.0.2 is loopback outside the tests' allow list (127.0.0.1/32): the guard refuses it before connecting.
        var patch = await app.Backend.PatchAsJsonAsync("/environment", new { webhook = new { primary_url = "http://127.0.0.2:9/hook" } }, Server.Cancellation);
        await app.Http.EnsureSuccessAsync(patch);
        await app.CreateIntegrationAsync("fake-apikey");

        await app.ConnectApiKeyAsync("fake-apikey", await app.CreateSessionTokenAsync());
        var delivery = Assert.Single(await WaitForSettledDeliveriesAsync(app));

        Assert.Equal((DeliveryState.Failed, 1), (delivery.State, delivery.Attempts));
        Assert.Contains("Refused to connect", delivery.LastError, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ServerStoppedAfterSaving_DeliversTheEventAfterRestart()
    {
        var dataDirectory = Directory.CreateTempSubdirectory("latchkey-webhook-restart-").FullName;
        var settings = new Dictionary<string, string?>(FastPoll) { ["LATCHKEY_SECRET_KEY_DEV"] = Latchkey.Server.Environments.KeyFormats.NewSecretKey() };
        await using var receiver = await WebhookReceiver.StartAsync(failFirst: 1000);
        string connectionId;
        string firstEventId;
        await using (var first = await Server.StartAsync(settings, dataDirectory: dataDirectory))
        {
            await UseReceiverAsync(first, receiver);
            await first.CreateIntegrationAsync("fake-apikey");
            connectionId = await first.ConnectApiKeyAsync("fake-apikey", await first.CreateSessionTokenAsync());
            await receiver.WaitForRequestsAsync(1);
            firstEventId = receiver.All[0].Header("X-Latchkey-Event-Id");
        }

        receiver.FailNext(0);
        var later = new FakeTimeProvider(DateTimeOffset.UtcNow.AddMinutes(5));
        await using (var second = await Server.StartAsync(settings, later, dataDirectory))
        {
            var accepted = await receiver.WaitForAcceptedAsync(1);

            var body = JsonNode.Parse(accepted[0].Body)!;
            Assert.Equal(connectionId, body["connectionId"]!.GetValue<string>());
            Assert.Equal(firstEventId, accepted[0].Header("X-Latchkey-Event-Id"));
        }

        // Only once the second server has stopped: it keeps writing its database files while it runs.
        Directory.Delete(dataDirectory, recursive: true);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task RefreshFailure_EnqueuedByTheEngine_IsSentOnlyWhenEnabled(bool onRefreshError)
    {
        await using var receiver = await WebhookReceiver.StartAsync();
        await using var app = await Server.StartAsync(FastPoll);
        await app.Backend.PatchAsJsonAsync("/environment", new { webhook = new { primary_url = receiver.Url, on_auth_refresh_error = onRefreshError } }, Server.Cancellation);
        await app.CreateIntegrationAsync("fake-apikey");
        await app.Backend.PatchAsJsonAsync("/environment", new { webhook = new { on_auth_creation = false } }, Server.Cancellation);
        var connectionId = await app.ConnectApiKeyAsync("fake-apikey", await app.CreateSessionTokenAsync());
        var environmentId = (await app.Services.GetRequiredService<Latchkey.Server.Environments.EnvironmentStore>().FindBySecretKeyAsync(app.SecretKey, Server.Cancellation))!.Id;
        var stored = (await app.Services.GetRequiredService<Latchkey.Server.Connections.ConnectionStore>().FindAsync(environmentId, "fake-apikey", connectionId, Server.Cancellation))!;

        await EnqueueAsync(new ConnectionEvent(environmentId, stored.Id, connectionId, "fake-apikey", "fake-apikey", "API_KEY",
            ConnectionEvent.Refresh, false, "refresh_token_external_error", "The provider refused the refresh token.", null, null, null));
        // An override is always sent: it shows the receiver is reached, so a refresh event missing from it was never sent.
        await EnqueueAsync(new ConnectionEvent(environmentId, stored.Id, connectionId, "fake-apikey", "fake-apikey", "API_KEY",
            ConnectionEvent.Override, true, null, null, null, null, null));
        await receiver.WaitForAcceptedAsync(1);
        var deliveries = await WaitForSettledDeliveriesAsync(app);

        string[] sent = onRefreshError ? [ConnectionEvent.Refresh, ConnectionEvent.Override] : [ConnectionEvent.Override];
        Assert.Equal(sent, deliveries.OrderBy(d => d.Id).Select(d => d.Operation));
        var bodies = receiver.All.Select(r => JsonNode.Parse(r.Body)!).ToArray();
        Assert.Equal(sent.Order(StringComparer.Ordinal), bodies.Select(b => b["operation"]!.GetValue<string>()).Order(StringComparer.Ordinal));
        if (onRefreshError)
        {
            var refresh = bodies.Single(b => b["operation"]!.GetValue<string>() == ConnectionEvent.Refresh);
            Assert.False(refresh["success"]!.GetValue<bool>());
            Assert.Equal("refresh_token_external_error", refresh["error"]!["type"]!.GetValue<string>());
        }

        // What the OAuth engine's refresh path does: enqueue inside its own transaction.
        async Task EnqueueAsync(ConnectionEvent e)
        {
            var database = app.Services.GetRequiredService<Latchkey.Server.Storage.Database>();
            await using var connection = await database.OpenAsync(Server.Cancellation);
            await using var transaction = await Latchkey.Server.Storage.Database.BeginWriteAsync(connection, Server.Cancellation);
            await app.Services.GetRequiredService<AuthWebhookOutbox>().HandleAsync(e, connection, transaction, Server.Cancellation);
            await transaction.CommitAsync(Server.Cancellation);
        }
    }

    /// <summary>The retry time is computed when the attempt is recorded: advancing the clock earlier would move it too.</summary>
    internal static async Task WaitForRecordedAttemptAsync(TestApp app, int attempt)
    {
        var marker = $"failed on attempt {attempt}:";
        for (var i = 0; i < 300 && !app.Logs.Lines.Any(l => l.Contains(marker, StringComparison.Ordinal)); i++)
        {
            await Task.Delay(50, Server.Cancellation);
        }

        Assert.Contains(app.Logs.Lines, l => l.Contains(marker, StringComparison.Ordinal));
    }

    /// <summary>
    /// The environment's outbox once none of its deliveries is pending: each was attempted and answered (delivered or
    /// given up), so a request a receiver has not got by now is never sent. The outbox is all the dispatcher sends.
    /// </summary>
    private static async Task<IReadOnlyList<WebhookDelivery>> WaitForSettledDeliveriesAsync(TestApp app)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(15);
        var deliveries = await DeliveriesAsync(app);
        while (deliveries.Any(d => d.State == DeliveryState.Pending) && DateTime.UtcNow < deadline)
        {
            await Task.Delay(50, Server.Cancellation);
            deliveries = await DeliveriesAsync(app);
        }

        Assert.DoesNotContain(deliveries, d => d.State == DeliveryState.Pending);
        return deliveries;
    }

    private static async Task<IReadOnlyList<WebhookDelivery>> DeliveriesAsync(TestApp app)
    {
        var environment = await app.Services.GetRequiredService<Latchkey.Server.Environments.EnvironmentStore>().FindBySecretKeyAsync(app.SecretKey, Server.Cancellation);
        return await app.Services.GetRequiredService<WebhookDeliveryStore>().ListAsync(environment!.Id, 100, Server.Cancellation);
    }

    private static async Task UseReceiverAsync(TestApp app, WebhookReceiver receiver)
    {
        var response = await app.Backend.PatchAsJsonAsync("/environment", new { webhook = new { primary_url = receiver.Url } }, Server.Cancellation);
        await app.Http.EnsureSuccessAsync(response);
    }

    private static void AssertKeysSorted(JsonElement element)
    {
        if (element.ValueKind == JsonValueKind.Object)
        {
            var names = element.EnumerateObject().Select(p => p.Name).ToArray();
            Assert.Equal(names.Order(StringComparer.Ordinal), names);
            foreach (var property in element.EnumerateObject())
            {
                AssertKeysSorted(property.Value);
            }
        }
        else if (element.ValueKind == JsonValueKind.Array)
        {
            foreach (var item in element.EnumerateArray())
            {
                AssertKeysSorted(item);
            }
        }
    }
}
