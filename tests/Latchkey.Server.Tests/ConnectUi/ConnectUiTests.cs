using System.IO.Compression;
using System.Net;
using System.Security.Cryptography;
using System.Text;
using Latchkey.Server.Environments;

namespace Latchkey.Server.Tests.ConnectUi;

/// <summary>Serving of the Connect UI build (spec §3.1), against a small stand-in build in a temporary folder.</summary>
public sealed class ConnectUiTests : IDisposable
{
    private const string InlineScript = "document.documentElement.dataset.x='1'";
    private readonly string _build = Directory.CreateTempSubdirectory("latchkey-ui-").FullName;

    public ConnectUiTests()
    {
        Directory.CreateDirectory(Path.Combine(_build, "assets"));
        File.WriteAllText(Path.Combine(_build, "index.html"),
            $"<!doctype html><html><head><script>{InlineScript}</script><script type=\"module\" src=\"./assets/index-abc123.js\"></script></head><body></body></html>");
        File.WriteAllText(Path.Combine(_build, "assets", "index-abc123.js"), "console.log('ui')");
    }

    public void Dispose() => Directory.Delete(_build, recursive: true);

    private Task<TestApp> StartAsync() => Server.StartAsync(new Dictionary<string, string?> { ["LATCHKEY_CONNECT_UI_DIR"] = _build });

    [Fact]
    public async Task BasePathWithoutSlash_RedirectsToTheSlashOnTheSameOrigin_KeepingTheQuery()
    {
        await using var app = await StartAsync();
        using var client = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false }) { BaseAddress = new Uri(app.BaseUrl) };

        var response = await client.GetAsync("/connect-ui?session_token=abc&lang=fr", Server.Cancellation);

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.Equal("/connect-ui/?session_token=abc&lang=fr", response.Headers.Location?.OriginalString);
    }

    [Theory]
    [InlineData("/connect-ui/")]
    [InlineData("/connect-ui/integrations")]
    [InlineData("/connect-ui/go")]
    public async Task AppRoutes_AnswerIndexHtml_FrameableByAnyone_WithAPolicyAllowingOnlyItsInlineScript(string path)
    {
        await using var app = await StartAsync();

        var response = await app.Http.GetAsync(path, Server.Cancellation);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/html", response.Content.Headers.ContentType?.MediaType);
        Assert.Contains("index-abc123.js", await response.Content.ReadAsStringAsync(Server.Cancellation), StringComparison.Ordinal);
        Assert.False(response.Headers.Contains("X-Frame-Options"));
        var policy = string.Join("", response.Headers.GetValues("Content-Security-Policy"));
        var hash = Convert.ToBase64String(SHA256.HashData(Encoding.UTF8.GetBytes(InlineScript)));
        Assert.Contains($"script-src 'self' 'sha256-{hash}'", policy, StringComparison.Ordinal);
        Assert.Contains("default-src 'self'", policy, StringComparison.Ordinal);
        Assert.Contains($"connect-src 'self' {app.BaseUrl}", policy, StringComparison.Ordinal);
        Assert.EndsWith("frame-ancestors *", policy, StringComparison.Ordinal);
        Assert.Equal("no-cache", response.Headers.CacheControl?.ToString());
    }

    [Fact]
    public async Task AllowedOrigins_OfEveryEnvironment_BecomeTheFrameAncestors()
    {
        await using var app = await StartAsync();
        var store = app.Services.GetRequiredService<EnvironmentStore>();
        var environment = (await store.FindBySecretKeyAsync(app.SecretKey, Server.Cancellation))!;
        var settings = await store.GetSettingsAsync(environment.Id, Server.Cancellation);
        await store.SaveSettingsAsync(environment.Id, settings with { AllowedOrigins = ["https://app.customer.example", "https://admin.customer.example"] }, Server.Cancellation);

        var response = await app.Http.GetAsync("/connect-ui/", Server.Cancellation);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var policy = string.Join("", response.Headers.GetValues("Content-Security-Policy"));
        Assert.EndsWith("frame-ancestors 'self' https://app.customer.example https://admin.customer.example", policy, StringComparison.Ordinal);
    }

    [Fact]
    public async Task HashedAssets_AreCachedForAYear_AndMissingAssetsAre404NotIndexHtml()
    {
        await using var app = await StartAsync();

        var asset = await app.Http.GetAsync("/connect-ui/assets/index-abc123.js", Server.Cancellation);
        var missing = await app.Http.GetAsync("/connect-ui/assets/index-gone.js", Server.Cancellation);
        var missingFile = await app.Http.GetAsync("/connect-ui/favicon.ico", Server.Cancellation);

        Assert.Equal(HttpStatusCode.OK, asset.StatusCode);
        Assert.Equal("text/javascript", asset.Content.Headers.ContentType?.MediaType);
        Assert.Equal("public, max-age=31536000, immutable", asset.Headers.CacheControl?.ToString());
        Assert.Equal(HttpStatusCode.NotFound, missing.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, missingFile.StatusCode);
    }

    [Theory]
    [InlineData("br", "br")]
    [InlineData("gzip, deflate, br", "br")]
    [InlineData("gzip", "gzip")]
    [InlineData("br;q=0, gzip", "gzip")]
    [InlineData(null, null)]
    [InlineData("identity", null)]
    [InlineData("*", null)]
    public async Task PrecompressedCopies_AreSentToBrowsersThatAcceptThem_AndTheFileItselfOtherwise(string? acceptEncoding, string? expected)
    {
        const string Script = "console.log('a script long enough to be worth compressing, said twice'); console.log('a script long enough to be worth compressing, said twice');";
        var assets = Path.Combine(_build, "assets");
        File.WriteAllText(Path.Combine(assets, "app-1a2b.js"), Script);
        File.WriteAllBytes(Path.Combine(assets, "app-1a2b.js.br"), Compress(Script, stream => new BrotliStream(stream, CompressionLevel.SmallestSize)));
        File.WriteAllBytes(Path.Combine(assets, "app-1a2b.js.gz"), Compress(Script, stream => new GZipStream(stream, CompressionLevel.SmallestSize)));
        await using var app = await StartAsync();
        using var request = new HttpRequestMessage(HttpMethod.Get, "/connect-ui/assets/app-1a2b.js");
        if (acceptEncoding is not null)
        {
            request.Headers.TryAddWithoutValidation("Accept-Encoding", acceptEncoding);
        }

        var response = await app.Http.SendAsync(request, Server.Cancellation);
        var body = await response.Content.ReadAsByteArrayAsync(Server.Cancellation);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(expected is null ? [] : [expected], response.Content.Headers.ContentEncoding);
        Assert.Equal("Accept-Encoding", string.Join(",", response.Headers.Vary));
        Assert.Equal("text/javascript", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal("public, max-age=31536000, immutable", response.Headers.CacheControl?.ToString());
        Assert.Equal(body.Length, response.Content.Headers.ContentLength);
        Assert.Equal(Script, Decompress(body, expected));
    }

    [Theory]
    [InlineData("gzip, deflate, br", "br")]
    [InlineData("gzip", "gzip")]
    [InlineData(null, null)]
    public async Task IndexHtml_IsSentCompressedWhenAccepted_WithItsPolicy(string? acceptEncoding, string? expected)
    {
        await using var app = await StartAsync();
        using var request = new HttpRequestMessage(HttpMethod.Get, "/connect-ui/");
        if (acceptEncoding is not null)
        {
            request.Headers.TryAddWithoutValidation("Accept-Encoding", acceptEncoding);
        }

        var response = await app.Http.SendAsync(request, Server.Cancellation);
        var body = await response.Content.ReadAsByteArrayAsync(Server.Cancellation);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(expected is null ? [] : [expected], response.Content.Headers.ContentEncoding);
        Assert.Equal("Accept-Encoding", string.Join(",", response.Headers.Vary));
        Assert.Equal("text/html", response.Content.Headers.ContentType?.MediaType);
        Assert.True(response.Headers.Contains("Content-Security-Policy"));
        Assert.Equal(File.ReadAllText(Path.Combine(_build, "index.html")), Decompress(body, expected));
    }

    [Fact]
    public async Task ABuildWithoutCompressedCopies_IsServedAsItIs_WithoutVary()
    {
        await using var app = await StartAsync();
        using var request = new HttpRequestMessage(HttpMethod.Get, "/connect-ui/assets/index-abc123.js");
        request.Headers.TryAddWithoutValidation("Accept-Encoding", "gzip, br");

        var response = await app.Http.SendAsync(request, Server.Cancellation);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Empty(response.Content.Headers.ContentEncoding);
        Assert.Empty(response.Headers.Vary);
        Assert.Equal("console.log('ui')", await response.Content.ReadAsStringAsync(Server.Cancellation));
    }

    private static byte[] Compress(string text, Func<Stream, Stream> compressor)
    {
        using var output = new MemoryStream();
        using (var compressing = compressor(output))
        {
            compressing.Write(Encoding.UTF8.GetBytes(text));
        }

        return output.ToArray();
    }

    private static string Decompress(byte[] body, string? encoding)
    {
        using var input = new MemoryStream(body);
        using Stream reading = encoding switch
        {
            "br" => new BrotliStream(input, CompressionMode.Decompress),
            "gzip" => new GZipStream(input, CompressionMode.Decompress),
            _ => input,
        };
        using var reader = new StreamReader(reading, Encoding.UTF8);
        return reader.ReadToEnd();
    }

    [Fact]
    public async Task PathTraversal_OutOfTheBuildFolder_IsRefused()
    {
        await using var app = await StartAsync();
        File.WriteAllText(Path.Combine(Path.GetDirectoryName(_build)!, "outside-secret.txt"), "f00d-outside-the-build");

        var response = await app.Http.GetAsync("/connect-ui/..%2Foutside-secret.txt", Server.Cancellation);

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.DoesNotContain("f00d-outside-the-build", await response.Content.ReadAsStringAsync(Server.Cancellation), StringComparison.Ordinal);
    }

    [Fact]
    public async Task WithoutABuild_TheApiRuns_AndTheUiAnswers503SayingHowToBuildIt()
    {
        await using var app = await Server.StartAsync();

        var ui = await app.Http.GetAsync("/connect-ui/", Server.Cancellation);
        var health = await app.Http.GetAsync("/health", Server.Cancellation);

        Assert.Equal(HttpStatusCode.ServiceUnavailable, ui.StatusCode);
        Assert.Contains("npm", await ui.Content.ReadAsStringAsync(Server.Cancellation), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.OK, health.StatusCode);
    }
}
