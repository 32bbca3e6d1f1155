using System.Net;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Server.Kestrel.Https;

namespace Latchkey.TestKit;

/// <summary>
/// A third-party provider of our own, served over HTTP on loopback: a verification endpoint that accepts exactly
/// one API key and one username/password, plus the OAuth endpoints (see the partial files). Counters let tests
/// assert how often Latchkey called it. The same endpoints are also served over HTTPS (<see cref="TlsBaseUrl"/>)
/// with a self-signed server certificate made at start, and that listener demands a TLS client certificate.
/// </summary>
public sealed partial class FakeProvider : IAsyncDisposable
{
    public const string GoodApiKey = "fake_good_key_7f3a9c";
    public const string GoodUsername = "ada";
    public const string GoodPassword = "correct horse battery staple";

    private readonly WebApplication _app;
    private int _verificationCalls;
    private X509Certificate2? _serverCertificate;

    private FakeProvider(WebApplication app)
    {
        _app = app;
    }

    public string BaseUrl { get; private set; } = "";

    /// <summary>The HTTPS listener (client certificate required), e.g. <c>https://127.0.0.1:5001</c>.</summary>
    public string TlsBaseUrl { get; private set; } = "";

    /// <summary>The HTTPS listener's self-signed certificate, for a client to trust it.</summary>
    public string ServerCertificatePem { get; private set; } = "";

    public int VerificationCalls => _verificationCalls;

    /// <summary>The Authorization header and path of the last verification call, to check what Latchkey sent.</summary>
    public (string? Authorization, string Path, string Query)? LastVerification { get; private set; }

    public static async Task<FakeProvider> StartAsync(int port = 0)
    {
        var builder = WebApplication.CreateSlimBuilder();
        var serverCertificate = FakeTls.ServerCertificate();
        builder.WebHost.ConfigureKestrel(kestrel =>
        {
            kestrel.Listen(IPAddress.Loopback, port);
            kestrel.Listen(IPAddress.Loopback, 0, listen => listen.UseHttps(https =>
            {
                https.ServerCertificate = serverCertificate;
                https.ClientCertificateMode = ClientCertificateMode.RequireCertificate;
                // Test clients bring self-signed certificates; the mTLS token endpoint checks which one it got.
                https.AllowAnyClientCertificate();
            }));
        });
        builder.Logging.ClearProviders();
        var app = builder.Build();
        var fake = new FakeProvider(app) { _serverCertificate = serverCertificate };
        fake.MapVerification(app);
        fake.MapOAuth2(app);
        fake.MapOAuth1(app);
        fake.MapTwoStep(app);
        fake.MapJwt(app);
        fake.MapSigned(app);
        fake.MapGitHubApp(app);
        fake.MapMcp(app);
        fake.MapControl(app);
        fake.MapUpstream(app);
        fake.MapClientCertificateToken(app);
        fake.MapClientAssertionToken(app);
        await app.StartAsync();
        var addresses = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses;
        fake.BaseUrl = addresses.First(address => address.StartsWith("http:", StringComparison.Ordinal));
        fake.TlsBaseUrl = addresses.First(address => address.StartsWith("https:", StringComparison.Ordinal));
        fake.ServerCertificatePem = serverCertificate.ExportCertificatePem();
        return fake;
    }

    public void ResetCounters()
    {
        Interlocked.Exchange(ref _verificationCalls, 0);
        Interlocked.Exchange(ref _installationTokenCalls, 0);
        ResetOAuthCounters();
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
        _appKey.Dispose();
        _serverCertificate?.Dispose();
        _assertionKey.Dispose();
    }

    private void MapVerification(WebApplication app)
    {
        // Region-scoped path for providers whose base URL is built from connection config.
        app.MapGet("/{region}/api/me", (string region, HttpRequest request) => Verify(request, region is "eu" or "us"));
        app.MapGet("/api/me", (HttpRequest request) => Verify(request, true));

        // A provider failing on its side, and one that answers only after Latchkey's outbound timeout (tests set 1 s).
        app.MapGet("/api/status/{status:int}", (int status) =>
        {
            Interlocked.Increment(ref _verificationCalls);
            return Results.StatusCode(status);
        });
        app.MapGet("/api/slow", async (CancellationToken cancellationToken) =>
        {
            Interlocked.Increment(ref _verificationCalls);
            await Task.Delay(TimeSpan.FromSeconds(10), cancellationToken);
            return Results.Ok(new { ok = true });
        });

        // What a provider's "which sites may this token use" endpoint answers (Atlassian's accessible-resources shape).
        app.MapGet("/api/sites", (HttpRequest request) => request.Headers.Authorization.ToString() == $"Bearer {CurrentAccessTokenOrNull}"
            ? Results.Json(new[] { new { id = "cloud-123", url = "https://acme.example.test", name = "Acme" } })
            : Results.StatusCode((int)HttpStatusCode.Unauthorized));
    }

    private IResult Verify(HttpRequest request, bool regionKnown)
    {
        Interlocked.Increment(ref _verificationCalls);
        var authorization = request.Headers.Authorization.ToString();
        LastVerification = (authorization.Length == 0 ? null : authorization, request.Path.Value ?? "", request.QueryString.Value ?? "");
        var apiKey = request.Headers["x-api-key"].ToString();
        var basic = "Basic " + Convert.ToBase64String(Encoding.UTF8.GetBytes($"{GoodUsername}:{GoodPassword}"));
        var accepted = regionKnown && (authorization == $"Bearer {GoodApiKey}" || apiKey == GoodApiKey || authorization == basic
            || request.Query["api_key"] == GoodApiKey || authorization == $"Bearer {CurrentAccessTokenOrNull}"
            || authorization == $"Bearer {CurrentTwoStepTokenOrNull}");
        return accepted ? Results.Ok(new { ok = true }) : Results.StatusCode((int)HttpStatusCode.Unauthorized);
    }
}
