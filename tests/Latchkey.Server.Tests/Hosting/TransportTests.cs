using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace Latchkey.Server.Tests.Hosting;

/// <summary>F10 and item 3: forwarded headers only from trusted proxies, Secure cookies and HSTS over HTTPS, HTTPS served here.</summary>
public sealed class TransportTests
{
    private static readonly Dictionary<string, string> ProxiedHttps = new()
    {
        ["X-Forwarded-Proto"] = "https",
        ["X-Forwarded-Host"] = "latchkey.example",
        ["X-Forwarded-For"] = "203.0.113.7",
    };

    [Fact]
    public async Task ForwardedHeaders_FromAnUntrustedPeer_AreIgnored()
    {
        await using var app = await Server.StartAsync();

        var page = await SendAsync(app, "/dashboard/login", ProxiedHttps);
        var link = await ConnectLinkAsync(app, ProxiedHttps);

        Assert.False(page.Headers.Contains("Strict-Transport-Security"));
        Assert.DoesNotContain("secure", Cookies(page), StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("latchkey.example", link, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ForwardedHeaders_FromATrustedProxy_GiveSecureCookies_Hsts_AndThePublicUrl()
    {
        await using var app = await Server.StartAsync(new Dictionary<string, string?> { ["LATCHKEY_TRUSTED_PROXIES"] = "10.0.0.0/8, 127.0.0.1" });

        var page = await SendAsync(app, "/dashboard/login", ProxiedHttps);
        var link = await ConnectLinkAsync(app, ProxiedHttps);

        Assert.StartsWith("max-age=", page.Headers.GetValues("Strict-Transport-Security").Single(), StringComparison.Ordinal);
        Assert.Contains("secure", Cookies(page), StringComparison.OrdinalIgnoreCase);
        Assert.Contains("apiURL=" + Uri.EscapeDataString("https://latchkey.example"), link, StringComparison.Ordinal);
    }

    [Fact]
    public async Task LoginLimitPerAddress_UsesTheForwardedClient_OnlyFromATrustedProxy()
    {
        var settings = new Dictionary<string, string?> { ["LATCHKEY_RATE_LIMIT_LOGIN_IP"] = "2", ["LATCHKEY_TRUSTED_PROXIES"] = "127.0.0.1" };
        await using var app = await Server.StartAsync(settings);

        var first = new List<HttpStatusCode>();
        for (var attempt = 0; attempt < 3; attempt++)
        {
            first.Add((await SendAsync(app, "/dashboard/login", new() { ["X-Forwarded-For"] = "203.0.113.1" }, HttpMethod.Post)).StatusCode);
        }

        var another = await SendAsync(app, "/dashboard/login", new() { ["X-Forwarded-For"] = "203.0.113.2" }, HttpMethod.Post);

        Assert.Equal(HttpStatusCode.TooManyRequests, first[2]);
        Assert.NotEqual(HttpStatusCode.TooManyRequests, another.StatusCode);
    }

    [Fact]
    public async Task HttpsServerUrl_Starts_AndIsTheAnnouncedUrl()
    {
        await using var app = await Server.StartAsync(new Dictionary<string, string?> { ["LATCHKEY_SERVER_URL"] = "https://latchkey.example" });

        var page = await SendAsync(app, "/dashboard/login", []);
        var link = await ConnectLinkAsync(app, []);

        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        Assert.Contains(Uri.EscapeDataString("https://latchkey.example"), link, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("pem")]
    [InlineData("pem-combined")]
    [InlineData("pfx")]
    public async Task Https_WithACertificateFile_IsServed(string format)
    {
        using var certificate = SelfSigned();
        var folder = Directory.CreateTempSubdirectory("latchkey-tls-").FullName;
        var settings = new Dictionary<string, string?> { ["urls"] = "https://127.0.0.1:0" };
        switch (format)
        {
            case "pem":
                settings["LATCHKEY_TLS_CERT_FILE"] = Write(folder, "cert.pem", certificate.ExportCertificatePem());
                settings["LATCHKEY_TLS_KEY_FILE"] = Write(folder, "key.pem", certificate.GetECDsaPrivateKey()!.ExportPkcs8PrivateKeyPem());
                break;
            case "pem-combined":
                settings["LATCHKEY_TLS_CERT_FILE"] = Write(folder, "both.pem", certificate.ExportCertificatePem() + "\n" + certificate.GetECDsaPrivateKey()!.ExportPkcs8PrivateKeyPem());
                break;
            default:
                var pfx = Path.Combine(folder, "server.pfx");
                await File.WriteAllBytesAsync(pfx, certificate.Export(X509ContentType.Pkcs12, "pfx password"), Server.Cancellation);
                settings["LATCHKEY_TLS_CERT_FILE"] = pfx;
                settings["LATCHKEY_TLS_CERT_PASSWORD"] = "pfx password";
                break;
        }

        await using var app = await Server.StartAsync(settings);
        using var client = new HttpClient(new HttpClientHandler
        {
            ServerCertificateCustomValidationCallback = (_, presented, _, _) => presented?.Thumbprint == certificate.Thumbprint,
        })
        { BaseAddress = new Uri(app.BaseUrl) };

        var health = await client.GetAsync("/health", Server.Cancellation);

        Assert.StartsWith("https://", app.BaseUrl, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.OK, health.StatusCode);
        Assert.True(health.Headers.Contains("Strict-Transport-Security"));
        Directory.Delete(folder, recursive: true);
    }

    [Fact]
    public async Task Https_WithAnUnreadableCertificate_RefusesToStart_WithOneSentence()
    {
        var folder = Directory.CreateTempSubdirectory("latchkey-tls-").FullName;
        var settings = new Dictionary<string, string?>
        {
            ["urls"] = "https://127.0.0.1:0",
            ["LATCHKEY_TLS_CERT_FILE"] = Write(folder, "cert.pem", "not a certificate"),
        };

        var refusal = await Assert.ThrowsAnyAsync<Exception>(() => Server.StartAsync(settings));

        Assert.Contains("LATCHKEY_TLS_CERT_FILE", refusal.ToString(), StringComparison.Ordinal);
        Directory.Delete(folder, recursive: true);
    }

    private static X509Certificate2 SelfSigned()
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest("CN=latchkey-test", key, HashAlgorithmName.SHA256);
        var names = new SubjectAlternativeNameBuilder();
        names.AddIpAddress(IPAddress.Loopback);
        request.CertificateExtensions.Add(names.Build());
        return request.CreateSelfSigned(DateTimeOffset.UtcNow.AddMinutes(-5), DateTimeOffset.UtcNow.AddHours(1));
    }

    private static string Write(string folder, string name, string text)
    {
        var path = Path.Combine(folder, name);
        File.WriteAllText(path, text);
        return path;
    }

    private static async Task<HttpResponseMessage> SendAsync(TestApp app, string path, Dictionary<string, string> headers, HttpMethod? method = null)
    {
        using var client = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false, UseCookies = false }) { BaseAddress = new Uri(app.BaseUrl) };
        using var request = new HttpRequestMessage(method ?? HttpMethod.Get, path);
        foreach (var (name, value) in headers)
        {
            request.Headers.Add(name, value);
        }

        if (request.Method == HttpMethod.Post)
        {
            request.Content = new FormUrlEncodedContent([KeyValuePair.Create("email", "a@example.com"), KeyValuePair.Create("password", "whatever password")]);
        }

        return await client.SendAsync(request, Server.Cancellation);
    }

    private static async Task<string> ConnectLinkAsync(TestApp app, Dictionary<string, string> headers)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/connect/sessions") { Content = JsonContent.Create(new { end_user = new { id = "u1" } }) };
        request.Headers.Authorization = new("Bearer", app.SecretKey);
        foreach (var (name, value) in headers)
        {
            request.Headers.Add(name, value);
        }

        var response = await app.Http.SendAsync(request, Server.Cancellation);
        await app.Http.EnsureSuccessAsync(response);
        return (await response.JsonAsync())["data"]!["connect_link"]!.GetValue<string>();
    }

    private static string Cookies(HttpResponseMessage response) =>
        string.Join("\n", response.Headers.TryGetValues("Set-Cookie", out var cookies) ? cookies : []);
}
