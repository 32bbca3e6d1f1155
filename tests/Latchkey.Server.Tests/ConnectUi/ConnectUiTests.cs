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
