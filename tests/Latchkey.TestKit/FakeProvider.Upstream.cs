using System.Collections.Concurrent;
using System.Globalization;
using System.Security.Cryptography;
using Microsoft.AspNetCore.Http.Features;

namespace Latchkey.TestKit;

/// <summary>
/// The fake's own API, for the proxy: an echo of what arrived (method, raw path and query, headers, body), a large
/// streamed download, an upload sink that hashes what it got, a 404 with a body, 429/503 answers that give way after
/// a few calls, an endpoint that wants the current OAuth 2 access token, and redirects.
/// </summary>
public sealed partial class FakeProvider
{
    private readonly ConcurrentDictionary<string, int> _upstreamCalls = new();

    /// <summary>Calls per key of <c>/upstream/limited/{key}</c> and <c>/upstream/flaky/{key}</c>.</summary>
    public int UpstreamCalls(string key) => _upstreamCalls.GetValueOrDefault(key);

    /// <summary>Byte <paramref name="index"/> of every download: a pattern both sides can recompute.</summary>
    public static byte DownloadByte(long index) => (byte)(index % 251);

    private void MapUpstream(WebApplication app)
    {
        app.Map("/upstream/echo/{**rest}", EchoAsync);
        app.MapGet("/upstream/download", DownloadAsync);
        app.MapPost("/upstream/upload", UploadAsync);
        app.MapGet("/upstream/missing", () => Results.Json(new { error = "no such widget", id = 42 }, statusCode: 404));
        app.MapGet("/upstream/empty-404", () => Results.StatusCode(404));
        app.MapGet("/upstream/limited/{key}", (string key, int failures) => Count(key) <= failures
            ? new RetryAfterResult()
            : Results.Json(new { ok = true, attempts = UpstreamCalls(key) }));
        app.MapGet("/upstream/flaky/{key}", (string key, int failures) => Count(key) <= failures
            ? Results.Json(new { error = "temporarily unavailable" }, statusCode: 503)
            : Results.Json(new { ok = true, attempts = UpstreamCalls(key) }));
        app.MapPost("/upstream/limited/{key}", (string key, int failures) => Count(key) <= failures ? new RetryAfterResult() : Results.Json(new { ok = true }));
        app.MapGet("/upstream/bearer", (HttpRequest request) => request.Headers.Authorization.ToString() == $"Bearer {CurrentAccessTokenOrNull}"
            ? Results.Json(new { ok = true })
            : Results.Json(new { error = "invalid_token" }, statusCode: 401));
        app.MapGet("/upstream/redirect", (string to) => Results.Redirect(to));
    }

    private int Count(string key) => _upstreamCalls.AddOrUpdate(key, 1, (_, n) => n + 1);

    private static async Task EchoAsync(HttpContext context)
    {
        using var body = new MemoryStream();
        await context.Request.Body.CopyToAsync(body);
        await context.Response.WriteAsJsonAsync(new
        {
            method = context.Request.Method,
            target = context.Features.Get<IHttpRequestFeature>()!.RawTarget,
            path = context.Request.Path.Value,
            query = context.Request.QueryString.Value,
            headers = context.Request.Headers.ToDictionary(pair => pair.Key.ToLowerInvariant(), pair => pair.Value.ToString()),
            body = System.Text.Encoding.UTF8.GetString(body.ToArray()),
            bodyBytes = body.Length,
        });
    }

    private static async Task DownloadAsync(HttpContext context, long bytes)
    {
        context.Response.ContentType = "application/octet-stream";
        var chunk = new byte[64 * 1024];
        for (long sent = 0; sent < bytes;)
        {
            var size = (int)Math.Min(chunk.Length, bytes - sent);
            for (var i = 0; i < size; i++)
            {
                chunk[i] = DownloadByte(sent + i);
            }

            await context.Response.Body.WriteAsync(chunk.AsMemory(0, size));
            sent += size;
        }
    }

    private static async Task UploadAsync(HttpContext context)
    {
        context.Features.Get<IHttpMaxRequestBodySizeFeature>()!.MaxRequestBodySize = null;
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        var buffer = new byte[64 * 1024];
        long total = 0;
        int read;
        while ((read = await context.Request.Body.ReadAsync(buffer)) > 0)
        {
            hash.AppendData(buffer, 0, read);
            total += read;
        }

        await context.Response.WriteAsJsonAsync(new { bytes = total, sha256 = Convert.ToHexStringLower(hash.GetHashAndReset()) });
    }

    private sealed class RetryAfterResult : IResult
    {
        public Task ExecuteAsync(HttpContext httpContext)
        {
            httpContext.Response.StatusCode = 429;
            httpContext.Response.Headers.RetryAfter = 1.ToString(CultureInfo.InvariantCulture);
            return httpContext.Response.WriteAsJsonAsync(new { error = "slow down" });
        }
    }
}
