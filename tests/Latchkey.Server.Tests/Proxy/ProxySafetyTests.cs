using System.Net;
using static Latchkey.Server.Tests.Proxy.ProxyTestApp;

namespace Latchkey.Server.Tests.Proxy;

public sealed class ProxySafetyTests
{
    public static TheoryData<string, string, string> BadCalls => new()
    {
        { "", "fake-apikey", "invalid_headers" },
        { "{connection}", "", "invalid_headers" },
        { "{connection}", "no-such-integration", "unknown_provider_config" },
        { "no-such-connection", "fake-apikey", "unknown_connection" },
    };

    [Theory]
    [MemberData(nameof(BadCalls))]
    public async Task BadCalls_AreAnsweredWithTheErrorEnvelope(string connectionId, string integration, string code)
    {
        await using var app = await Server.StartAsync();
        var real = await ApiKeyConnectionAsync(app, "fake-apikey");

        using var response = await app.Backend.SendAsync(Call(HttpMethod.Get, "/upstream/echo/x", integration, connectionId.Replace("{connection}", real, StringComparison.Ordinal)), Server.Cancellation);

        Assert.Equal(code, await response.ErrorCodeAsync());
        Assert.True((int)response.StatusCode is 400 or 404, $"status {(int)response.StatusCode}");
    }

    [Theory]
    [InlineData("Retries", "many")]
    [InlineData("Retries", "99")]
    [InlineData("Retry-On", "429,abc")]
    [InlineData("Decompress", "maybe")]
    [InlineData("Nango-Proxy-Host", "evil.example")]
    [InlineData("Base-Url-Override", "http://127.0.0.1:1")]
    public async Task InvalidHeaders_AreRefused(string name, string value)
    {
        await using var app = await Server.StartAsync();
        var connectionId = await ApiKeyConnectionAsync(app, "fake-apikey");

        using var response = await app.Backend.SendAsync(Call(HttpMethod.Get, "/upstream/echo/x", "fake-apikey", connectionId, (name, value)), Server.Cancellation);

        Assert.Equal((HttpStatusCode.BadRequest, "invalid_headers"), (response.StatusCode, await response.ErrorCodeAsync()));
    }

    [Fact]
    public async Task BaseUrlOverride_WhenAllowed_IsUsed_AndStillGuarded()
    {
        await using var app = await Server.StartAsync(new Dictionary<string, string?> { ["LATCHKEY_PROXY_ALLOW_BASE_URL_OVERRIDE"] = "true" });
        var connectionId = await ApiKeyConnectionAsync(app, "fake-apikey");

        var echo = await (await app.Backend.SendAsync(Call(HttpMethod.Get, "/echo/x", "fake-apikey", connectionId, ("Base-Url-Override", app.Fake.BaseUrl + "/upstream")), Server.Cancellation)).EchoAsync();
        using var metadata = await app.Backend.SendAsync(Call(HttpMethod.Get, "/latest/meta-data", "fake-apikey", connectionId, ("Base-Url-Override", "http://169.254.169.254")), Server.Cancellation);

        Assert.Equal("/upstream/echo/x", echo["path"]!.GetValue<string>());
        Assert.Equal((HttpStatusCode.Forbidden, "proxy_target_refused"), (metadata.StatusCode, await metadata.ErrorCodeAsync()));
    }

    [Fact]
    public async Task PrivateTargets_AreRefused_FromTheCatalogAndFromTemplatedBaseUrls()
    {
        await using var app = await Server.StartAsync();
        await app.CreateIntegrationAsync("fake-internal");
        await app.CreateIntegrationAsync("fake-templated");
        var internalId = await ImportAsync(app, "fake-internal", new { type = "API_KEY", apiKey = "internal_key_0e1f" });
        var templatedId = await ImportAsync(app, "fake-templated", new { type = "API_KEY", apiKey = "templated_key_9a2b" }, new { host = "169.254.169.254" });

        using var direct = await app.Backend.SendAsync(Call(HttpMethod.Get, "/admin", "fake-internal", internalId), Server.Cancellation);
        using var templated = await app.Backend.SendAsync(Call(HttpMethod.Get, "/latest/meta-data", "fake-templated", templatedId), Server.Cancellation);

        Assert.Equal((HttpStatusCode.Forbidden, "proxy_target_refused"), (direct.StatusCode, await direct.ErrorCodeAsync()));
        Assert.Equal((HttpStatusCode.Forbidden, "proxy_target_refused"), (templated.StatusCode, await templated.ErrorCodeAsync()));
        Assert.DoesNotContain("internal_key_0e1f", app.Logs.All, StringComparison.Ordinal);
        Assert.DoesNotContain("templated_key_9a2b", app.Logs.All, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ConcurrentCalls_OverTheCap_AreRefusedWith429()
    {
        await using var app = await Server.StartAsync(new Dictionary<string, string?> { ["LATCHKEY_PROXY_MAX_CONCURRENT_PER_CONNECTION"] = "1" });
        var connectionId = await ApiKeyConnectionAsync(app, "fake-apikey");

        // A large download the caller does not read holds its slot until it is cancelled.
        using var holding = await app.Backend.SendAsync(Call(HttpMethod.Get, "/upstream/download?bytes=200000000", "fake-apikey", connectionId),
            HttpCompletionOption.ResponseHeadersRead, Server.Cancellation);
        using var refused = await app.Backend.SendAsync(Call(HttpMethod.Get, "/upstream/echo/x", "fake-apikey", connectionId), Server.Cancellation);

        Assert.Equal((HttpStatusCode.TooManyRequests, "too_many_request"), (refused.StatusCode, await refused.ErrorCodeAsync()));
        Assert.Equal("1", refused.Headers.RetryAfter?.ToString());
    }

    [Fact]
    public async Task Proxy_WithoutTheSecretKey_IsRefused()
    {
        await using var app = await Server.StartAsync();

        using var response = await app.Http.SendAsync(Call(HttpMethod.Get, "/upstream/echo/x", "fake-apikey", "c"), Server.Cancellation);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }
}
