using System.Net;
using System.Net.WebSockets;

namespace Latchkey.Server.Tests.Hosting;

/// <summary>Item 2 and F12: per-environment API limits like Nango's (spec §10.5), per-session entry limits, WebSocket caps.</summary>
public sealed class RateLimitTests
{
    [Fact]
    public async Task Api_PerEnvironment_CountsDownInHeaders_ThenAnswers429WithTheEnvelope()
    {
        await using var app = await Server.StartAsync(new Dictionary<string, string?> { ["LATCHKEY_RATE_LIMIT_API"] = "3" });
        var answers = new List<HttpResponseMessage>();
        for (var request = 0; request < 4; request++)
        {
            answers.Add(await app.Backend.GetAsync("/integrations", Server.Cancellation));
        }

        using var prod = new HttpClient { BaseAddress = new Uri(app.BaseUrl) };
        prod.DefaultRequestHeaders.Authorization = new("Bearer", app.ProdSecretKey);
        var otherEnvironment = await prod.GetAsync("/integrations", Server.Cancellation);

        Assert.All(answers.Take(3), answer => Assert.Equal(HttpStatusCode.OK, answer.StatusCode));
        Assert.Equal(["2", "1", "0"], answers.Take(3).Select(answer => answer.Headers.GetValues("X-RateLimit-Remaining").Single()));
        Assert.All(answers, answer => Assert.Equal("3", answer.Headers.GetValues("X-RateLimit-Limit").Single()));
        var reset = long.Parse(answers[0].Headers.GetValues("X-RateLimit-Reset").Single(), System.Globalization.CultureInfo.InvariantCulture);
        Assert.InRange(reset - DateTimeOffset.UtcNow.ToUnixTimeSeconds(), 0, 61);

        var limited = answers[3];
        Assert.Equal(HttpStatusCode.TooManyRequests, limited.StatusCode);
        Assert.InRange(limited.Headers.RetryAfter!.Delta!.Value.TotalSeconds, 1, 60);
        var error = (await limited.JsonAsync())["error"]!;
        Assert.Equal("too_many_request", error["code"]!.GetValue<string>());
        Assert.Equal("GET", error["method"]!.GetValue<string>());
        Assert.Equal("/integrations", error["path"]!.GetValue<string>());
        Assert.Equal(HttpStatusCode.OK, otherEnvironment.StatusCode);
    }

    [Fact]
    public async Task Api_ByDefault_IsLimitedGenerously_AndZeroTurnsTheLimitOff()
    {
        await using var limited = await Server.StartAsync();
        await using var open = await Server.StartAsync(new Dictionary<string, string?> { ["LATCHKEY_RATE_LIMIT_API"] = "0" });

        var byDefault = await limited.Backend.GetAsync("/integrations", Server.Cancellation);
        var off = await open.Backend.GetAsync("/integrations", Server.Cancellation);

        Assert.Equal("60000", byDefault.Headers.GetValues("X-RateLimit-Limit").Single());
        Assert.Equal(HttpStatusCode.OK, off.StatusCode);
        Assert.False(off.Headers.Contains("X-RateLimit-Limit"));
    }

    [Fact]
    public async Task CredentialEntry_PerSession_IsLimited_WithoutTouchingOtherSessions()
    {
        await using var app = await Server.StartAsync(new Dictionary<string, string?> { ["LATCHKEY_RATE_LIMIT_ENTRY"] = "2" });
        await app.CreateIntegrationAsync("fake-apikey");
        var token = await app.CreateSessionTokenAsync();
        var answers = new List<HttpStatusCode>();
        for (var attempt = 0; attempt < 3; attempt++)
        {
            var response = await app.Http.PostAsJsonAsync($"/api-auth/api-key/fake-apikey?connect_session_token={token}", new { apiKey = "wrong key" }, Server.Cancellation);
            answers.Add(response.StatusCode);
        }

        var otherSession = await app.ConnectApiKeyAsync("fake-apikey", await app.CreateSessionTokenAsync());

        Assert.DoesNotContain(HttpStatusCode.TooManyRequests, answers.Take(2));
        Assert.Equal(HttpStatusCode.TooManyRequests, answers[2]);
        Assert.NotEmpty(otherSession);
    }

    [Fact]
    public async Task WebSockets_AreCappedPerAddress_AndASlotFreesWhenOneCloses()
    {
        await using var app = await Server.StartAsync(new Dictionary<string, string?> { ["LATCHKEY_RATE_LIMIT_WEBSOCKETS_PER_IP"] = "2" });
        using var first = await OpenAsync(app);
        using var second = await OpenAsync(app);

        var refused = await Assert.ThrowsAsync<WebSocketException>(async () => (await OpenAsync(app)).Dispose());
        await first.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, "bye", Server.Cancellation);
        await WaitUntilAsync(async () =>
        {
            try
            {
                (await OpenAsync(app)).Dispose();
                return true;
            }
            catch (WebSocketException)
            {
                return false;
            }
        });

        Assert.Contains("429", refused.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task WebSockets_AreCappedInTotal()
    {
        await using var app = await Server.StartAsync(new Dictionary<string, string?> { ["LATCHKEY_RATE_LIMIT_WEBSOCKETS"] = "1" });
        using var only = await OpenAsync(app);

        await Assert.ThrowsAsync<WebSocketException>(async () => (await OpenAsync(app)).Dispose());
    }

    [Fact]
    public async Task WebSocket_WithoutAnOutcome_IsClosedAfterTheIdleTime()
    {
        await using var app = await Server.StartAsync(new Dictionary<string, string?> { ["LATCHKEY_RATE_LIMIT_WEBSOCKET_IDLE_SECONDS"] = "10" });
        using var socket = await OpenAsync(app);
        var buffer = new byte[1024];
        await socket.ReceiveAsync(buffer, Server.Cancellation); // connection_ack
        using var patience = CancellationTokenSource.CreateLinkedTokenSource(Server.Cancellation);
        patience.CancelAfter(TimeSpan.FromSeconds(30));
        var started = DateTime.UtcNow;

        // The server ends it (a close frame, or the connection dropped); the test's own patience is not what ends it.
        try
        {
            var next = await socket.ReceiveAsync(buffer, patience.Token);
            Assert.Equal(WebSocketMessageType.Close, next.MessageType);
        }
        catch (WebSocketException)
        {
        }

        Assert.False(patience.IsCancellationRequested);
        Assert.InRange((DateTime.UtcNow - started).TotalSeconds, 5, 20);
    }

    private static async Task<ClientWebSocket> OpenAsync(TestApp app)
    {
        var socket = new ClientWebSocket();
        socket.Options.SetRequestHeader("Origin", "https://evil.example");
        try
        {
            await socket.ConnectAsync(new Uri(app.BaseUrl.Replace("http://", "ws://", StringComparison.Ordinal) + "/"), Server.Cancellation);
            return socket;
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }

    private static async Task WaitUntilAsync(Func<Task<bool>> condition)
    {
        for (var attempt = 0; attempt < 50; attempt++)
        {
            if (await condition())
            {
                return;
            }

            await Task.Delay(100, Server.Cancellation);
        }

        Assert.Fail("The condition did not become true within 5 s.");
    }
}
