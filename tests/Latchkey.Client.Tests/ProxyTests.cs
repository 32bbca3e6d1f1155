using System.Net;
using System.Security.Cryptography;
using System.Text.Json.Nodes;

namespace Latchkey.Client.Tests;

public sealed class ProxyTests
{
    private static async Task<(TestApp App, LatchkeyClient Client, string ConnectionId)> ConnectedAsync()
    {
        var app = await Server.StartAsync(new Dictionary<string, string?> { ["LATCHKEY_MAX_BODY_BYTES"] = "65536" });
        await app.CreateIntegrationAsync("fake-apikey");
        var connectionId = await app.ConnectApiKeyAsync("fake-apikey", await app.CreateSessionTokenAsync());
        return (app, Server.ClientFor(app), connectionId);
    }

    [Fact]
    public async Task GetAsync_SendsParamsAndHeaders_WithTheConnectionsCredentials()
    {
        var (app, client, connectionId) = await ConnectedAsync();
        await using var _ = app;

        using var response = await client.GetAsync(new ProxyRequest
        {
            Endpoint = "/upstream/echo/users",
            IntegrationKey = "fake-apikey",
            ConnectionId = connectionId,
            Params = new Dictionary<string, string> { ["q"] = "a b" },
            Headers = new Dictionary<string, string> { ["X-Trace"] = "t-1" },
        }, Server.Cancellation);
        var echo = JsonNode.Parse(await response.Content.ReadAsStringAsync(Server.Cancellation))!;

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("/upstream/echo/users?q=a%20b", echo["target"]!.GetValue<string>());
        Assert.Equal("t-1", echo["headers"]!["x-trace"]!.GetValue<string>());
        Assert.Equal($"Bearer {FakeProvider.GoodApiKey}", echo["headers"]!["authorization"]!.GetValue<string>());
    }

    [Fact]
    public async Task PostAsync_StreamsABodyLargerThanTheServerLimit_AndProviderErrorsAreReturned()
    {
        var (app, client, connectionId) = await ConnectedAsync();
        await using var _ = app;
        var upload = RandomNumberGenerator.GetBytes(3 * 1024 * 1024);

        using var posted = await client.PostAsync(new ProxyRequest
        {
            Endpoint = "/upstream/upload",
            IntegrationKey = "fake-apikey",
            ConnectionId = connectionId,
            Content = new StreamContent(new MemoryStream(upload)),
        }, Server.Cancellation);
        using var missing = await client.GetAsync(new ProxyRequest { Endpoint = "/upstream/missing", IntegrationKey = "fake-apikey", ConnectionId = connectionId }, Server.Cancellation);

        var answer = JsonNode.Parse(await posted.Content.ReadAsStringAsync(Server.Cancellation))!;
        Assert.Equal(Convert.ToHexStringLower(SHA256.HashData(upload)), answer["sha256"]!.GetValue<string>());
        Assert.Equal(HttpStatusCode.NotFound, missing.StatusCode);
        Assert.Contains("no such widget", await missing.Content.ReadAsStringAsync(Server.Cancellation), StringComparison.Ordinal);
    }

    [Fact]
    public async Task ProxyAsync_ForAnUnknownConnection_ThrowsTheServersError()
    {
        var (app, client, _) = await ConnectedAsync();
        await using var __ = app;

        var error = await Assert.ThrowsAsync<LatchkeyApiException>(() =>
            client.GetAsync(new ProxyRequest { Endpoint = "/x", IntegrationKey = "fake-apikey", ConnectionId = "nope" }, Server.Cancellation));
        var wrongKey = await Assert.ThrowsAsync<LatchkeyApiException>(() => Server.ClientFor(app, "lk_sk_" + new string('0', 64))
            .GetAsync(new ProxyRequest { Endpoint = "/x", IntegrationKey = "fake-apikey", ConnectionId = "nope" }, Server.Cancellation));

        Assert.Equal((HttpStatusCode.NotFound, "unknown_connection"), (error.StatusCode, error.Code));
        Assert.Equal("unknown_account", wrongKey.Code);
    }
}
