using System.Net;
using System.Security.Cryptography;
using System.Text;
using static Latchkey.Server.Tests.Proxy.ProxyTestApp;

namespace Latchkey.Server.Tests.Proxy;

public sealed class ProxyForwardingTests
{
    [Fact]
    public async Task Get_WithAnApiKeyConnection_CarriesTheCatalogHeader_AndThePathQueryAndCallerHeadersAsSent()
    {
        await using var app = await Server.StartAsync();
        var connectionId = await ApiKeyConnectionAsync(app, "fake-apikey");

        using var request = Call(HttpMethod.Get, "/upstream/echo/a%20b/c?x=1&y=%2F&x=2", "fake-apikey", connectionId,
            ("Nango-Proxy-X-Custom", "hello"), ("Accept", "application/vnd.fake+json"));
        var echo = await (await app.Backend.SendAsync(request, Server.Cancellation)).EchoAsync();

        Assert.Equal("GET", echo["method"]!.GetValue<string>());
        Assert.Equal("/upstream/echo/a%20b/c?x=1&y=%2F&x=2", echo["target"]!.GetValue<string>());
        var headers = echo["headers"]!;
        Assert.Equal($"Bearer {FakeProvider.GoodApiKey}", headers["authorization"]!.GetValue<string>());
        Assert.Equal("hello", headers["x-custom"]!.GetValue<string>());
        Assert.Equal("application/vnd.fake+json", headers["accept"]!.GetValue<string>());
        Assert.Null(headers["connection-id"]);
        Assert.Null(headers["provider-config-key"]);
    }

    [Fact]
    public async Task Post_ForwardsTheBodyByteForByte_WithItsContentType()
    {
        await using var app = await Server.StartAsync();
        var connectionId = await ApiKeyConnectionAsync(app, "fake-apikey");
        var bytes = Encoding.UTF8.GetBytes("{\"name\":\"Ada\",  \"emoji\":\"é\"}");

        using var request = Call(HttpMethod.Post, "/upstream/echo/widgets", "fake-apikey", connectionId);
        request.Content = new ByteArrayContent(bytes);
        request.Content.Headers.ContentType = new("application/merge-patch+json");
        var echo = await (await app.Backend.SendAsync(request, Server.Cancellation)).EchoAsync();

        Assert.Equal("POST", echo["method"]!.GetValue<string>());
        Assert.Equal(Encoding.UTF8.GetString(bytes), echo["body"]!.GetValue<string>());
        Assert.Equal("application/merge-patch+json", echo["headers"]!["content-type"]!.GetValue<string>());
    }

    [Fact]
    public async Task ApiKeyInTheQuery_IsAppendedFromTheCatalog_AndNeverLogged()
    {
        await using var app = await Server.StartAsync();
        var connectionId = await ApiKeyConnectionAsync(app, "fake-querykey", "query_key_5b81e2");

        using var request = Call(HttpMethod.Get, "/upstream/echo/items?page=2", "fake-querykey", connectionId);
        var echo = await (await app.Backend.SendAsync(request, Server.Cancellation)).EchoAsync();

        Assert.Equal("?page=2&api_key=query_key_5b81e2", echo["query"]!.GetValue<string>());
        Assert.Equal("2024-01", echo["headers"]!["x-api-version"]!.GetValue<string>());
        var logs = await WaitForProxyLogAsync(app, connectionId);
        Assert.Contains("GET 127.0.0.1/upstream/echo/items → 200", logs, StringComparison.Ordinal);
        Assert.DoesNotContain("query_key_5b81e2", logs, StringComparison.Ordinal);
        Assert.DoesNotContain("query_key_5b81e2", app.Logs.All, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ProviderErrors_PassThroughUnchanged_WithAndWithoutABody()
    {
        await using var app = await Server.StartAsync();
        var connectionId = await ApiKeyConnectionAsync(app, "fake-apikey");

        using var missing = await app.Backend.SendAsync(Call(HttpMethod.Get, "/upstream/missing", "fake-apikey", connectionId), Server.Cancellation);
        using var empty = await app.Backend.SendAsync(Call(HttpMethod.Get, "/upstream/empty-404", "fake-apikey", connectionId), Server.Cancellation);

        Assert.Equal(HttpStatusCode.NotFound, missing.StatusCode);
        Assert.Equal("{\"error\":\"no such widget\",\"id\":42}", await missing.Content.ReadAsStringAsync(Server.Cancellation));
        Assert.Equal(HttpStatusCode.NotFound, empty.StatusCode);
        Assert.Equal("", await empty.Content.ReadAsStringAsync(Server.Cancellation));
    }

    [Fact]
    public async Task Retries_WaitForRetryAfter_ThenReturnTheSuccess()
    {
        await using var app = await Server.StartAsync();
        var connectionId = await ApiKeyConnectionAsync(app, "fake-apikey");
        var started = DateTimeOffset.UtcNow;

        using var retried = await app.Backend.SendAsync(Call(HttpMethod.Get, "/upstream/limited/a?failures=1", "fake-apikey", connectionId, ("Retries", "2")), Server.Cancellation);
        var elapsed = DateTimeOffset.UtcNow - started;
        using var notAsked = await app.Backend.SendAsync(Call(HttpMethod.Get, "/upstream/limited/b?failures=1", "fake-apikey", connectionId), Server.Cancellation);
        using var post = await app.Backend.SendAsync(Call(HttpMethod.Post, "/upstream/limited/c?failures=1", "fake-apikey", connectionId, ("Retries", "2")), Server.Cancellation);
        using var postAsked = await app.Backend.SendAsync(Call(HttpMethod.Post, "/upstream/limited/d?failures=1", "fake-apikey", connectionId, ("Retries", "2"), ("Retry-On", "429")), Server.Cancellation);

        Assert.Equal(HttpStatusCode.OK, retried.StatusCode);
        Assert.Equal(2, app.Fake.UpstreamCalls("a"));
        Assert.True(elapsed >= TimeSpan.FromSeconds(0.95), $"retried after {elapsed.TotalMilliseconds} ms, before Retry-After: 1");
        Assert.Equal(((HttpStatusCode)429, "1"), (notAsked.StatusCode, notAsked.Headers.RetryAfter?.ToString()));
        Assert.Equal(((HttpStatusCode)429, 1), (post.StatusCode, app.Fake.UpstreamCalls("c")));
        Assert.Equal((HttpStatusCode.OK, 2), (postAsked.StatusCode, app.Fake.UpstreamCalls("d")));
    }

    [Fact]
    public async Task ServerErrors_AreRetriedWithBackoff_UpToRetries()
    {
        await using var app = await Server.StartAsync();
        var connectionId = await ApiKeyConnectionAsync(app, "fake-apikey");

        using var recovered = await app.Backend.SendAsync(Call(HttpMethod.Get, "/upstream/flaky/a?failures=2", "fake-apikey", connectionId, ("Retries", "3")), Server.Cancellation);
        using var exhausted = await app.Backend.SendAsync(Call(HttpMethod.Get, "/upstream/flaky/b?failures=5", "fake-apikey", connectionId, ("Retries", "1")), Server.Cancellation);

        Assert.Equal((HttpStatusCode.OK, 3), (recovered.StatusCode, app.Fake.UpstreamCalls("a")));
        Assert.Equal((HttpStatusCode.ServiceUnavailable, 2), (exhausted.StatusCode, app.Fake.UpstreamCalls("b")));
    }

    [Fact]
    public async Task Bodies_LargerThanTheServerLimit_StreamBothWays()
    {
        await using var app = await Server.StartAsync(new Dictionary<string, string?> { ["LATCHKEY_MAX_BODY_BYTES"] = "65536" });
        var connectionId = await ApiKeyConnectionAsync(app, "fake-apikey");
        const int Size = 8 * 1024 * 1024;
        var upload = new byte[Size];
        Random.Shared.NextBytes(upload);

        using var request = Call(HttpMethod.Post, "/upstream/upload", "fake-apikey", connectionId);
        request.Content = new StreamContent(new MemoryStream(upload));
        var uploaded = await (await app.Backend.SendAsync(request, Server.Cancellation)).EchoAsync();
        using var download = await app.Backend.SendAsync(Call(HttpMethod.Get, $"/upstream/download?bytes={Size}", "fake-apikey", connectionId),
            HttpCompletionOption.ResponseHeadersRead, Server.Cancellation);
        var received = await download.Content.ReadAsByteArrayAsync(Server.Cancellation);

        Assert.Equal(Size, uploaded["bytes"]!.GetValue<long>());
        Assert.Equal(Convert.ToHexStringLower(SHA256.HashData(upload)), uploaded["sha256"]!.GetValue<string>());
        Assert.Equal(Size, received.Length);
        Assert.True(received.Select((b, i) => b == FakeProvider.DownloadByte(i)).All(same => same));
    }

    [Fact]
    public async Task SameHostRedirects_AreFollowed_OtherHostsAreReturnedToTheCaller()
    {
        await using var app = await Server.StartAsync();
        var connectionId = await ApiKeyConnectionAsync(app, "fake-apikey");
        var otherHost = app.Fake.BaseUrl.Replace("127.0.0.1", "localhost", StringComparison.Ordinal) + "/upstream/echo/elsewhere";

        var followed = await (await app.Backend.SendAsync(Call(HttpMethod.Get, "/upstream/redirect?to=/upstream/echo/moved", "fake-apikey", connectionId), Server.Cancellation)).EchoAsync();
        using var noRedirects = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false }) { BaseAddress = new Uri(app.BaseUrl) };
        noRedirects.DefaultRequestHeaders.Authorization = app.Backend.DefaultRequestHeaders.Authorization;
        using var returned = await noRedirects.SendAsync(Call(HttpMethod.Get, $"/upstream/redirect?to={Uri.EscapeDataString(otherHost)}", "fake-apikey", connectionId), Server.Cancellation);

        Assert.Equal("/upstream/echo/moved", followed["path"]!.GetValue<string>());
        Assert.Equal($"Bearer {FakeProvider.GoodApiKey}", followed["headers"]!["authorization"]!.GetValue<string>());
        Assert.Equal(HttpStatusCode.Redirect, returned.StatusCode);
        Assert.Equal(otherHost, returned.Headers.Location!.ToString());
    }

    internal static async Task<string> WaitForProxyLogAsync(TestApp app, string connectionId)
    {
        for (var i = 0; i < 100; i++)
        {
            var text = await app.Backend.GetStringAsync($"/logs?connection_id={connectionId}", Server.Cancellation);
            var entries = System.Text.Json.Nodes.JsonNode.Parse(text)!["data"]!.AsArray()
                .Where(entry => entry!["kind"]!.GetValue<string>() == "proxy").Select(entry => entry!.ToJsonString(new System.Text.Json.JsonSerializerOptions
                {
                    Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
                })).ToList();
            if (entries.Count > 0)
            {
                return string.Join('\n', entries);
            }

            await Task.Delay(50, Server.Cancellation);
        }

        throw new TimeoutException("no proxy entry reached the auth log");
    }
}
