using System.Net;
using static Latchkey.Server.Tests.Tokens.ClientCredentialsRequests;

namespace Latchkey.Server.Tests.Tokens;

/// <summary>
/// OAUTH2_CC over mutual TLS (spec §4.4, §5.5.3): the fake's token endpoint sits behind TLS that demands a client
/// certificate and knows the client by it; the test trusts the fake's server certificate through the outbound option.
/// </summary>
public sealed class ClientCertificateTests
{
    private const string Integration = "fake-cc-mtls";

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Certificate_IsPresentedAtConnect_StoredSealed_AndPresentedAgainOnRefresh(bool linesDropped)
    {
        await using var app = await Server.StartAsync();
        await app.CreateIntegrationAsync(Integration);
        var (certificate, key) = app.Fake.GoodClientCertificate;
        var sent = linesDropped ? (Certificate: OneLine(certificate), Key: OneLine(key)) : (Certificate: certificate, Key: key);

        var connectionId = await ConnectionIdAsync(app, await ConnectAsync(app, Integration,
            new { client_id = FakeProvider.ClientId, client_certificate = sent.Certificate, client_private_key = sent.Key }));
        var stored = await CredentialsAsync(app, Integration, connectionId);
        var firstToken = app.Fake.CurrentAccessTokenOrNull;
        var refreshed = await CredentialsAsync(app, Integration, connectionId, forceRefresh: true);

        Assert.Equal(2, app.Fake.ClientCertificateTokenCalls);
        Assert.Equal("OAUTH2_CC", stored["type"]!.GetValue<string>());
        Assert.Equal(firstToken, stored["token"]!.GetValue<string>());
        Assert.Equal(sent.Certificate, stored["client_certificate"]!.GetValue<string>());
        Assert.Equal(sent.Key, stored["client_private_key"]!.GetValue<string>());
        Assert.Equal(app.Fake.CurrentAccessTokenOrNull, refreshed["token"]!.GetValue<string>());
        Assert.NotEqual(firstToken, refreshed["token"]!.GetValue<string>());
    }

    [Fact]
    public async Task UnknownCertificate_IsPresented_AndTheProvidersRefusalIsAFetchError()
    {
        await using var app = await Server.StartAsync();
        await app.CreateIntegrationAsync(Integration);
        var (certificate, key) = FakeTls.ClientCertificatePair("someone-else");

        var response = await ConnectAsync(app, Integration, new { client_id = FakeProvider.ClientId, client_certificate = certificate, client_private_key = key });

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("client_credentials_fetch_error", await response.ErrorCodeAsync());
        Assert.NotNull(app.Fake.LastPresentedThumbprint);
        Assert.Equal(0, app.Fake.ClientCertificateTokenCalls);
    }

    public static TheoryData<string, string, string?> BadBodies()
    {
        var good = FakeTls.ClientCertificatePair("bad-bodies");
        var other = FakeTls.ClientCertificatePair("other");
        return new()
        {
            { $$"""{"client_secret":"s","client_certificate":{{Json(good.CertificatePem)}},"client_private_key":{{Json(good.PrivateKeyPem)}}}""", "missing_client_id", null },
            { $$"""{"client_id":"c","client_certificate":{{Json(good.CertificatePem)}}}""", "missing_client_secret", null },
            { """{"client_id":"c","client_secret":"s"}""", "invalid_body", "client_certificate" },
            { $$"""{"client_id":"c","client_secret":"s","client_certificate":{{Json(good.CertificatePem)}}}""", "invalid_body", "client_private_key" },
            { """{"client_id":"c","client_certificate":"not a certificate","client_private_key":"not a key"}""", "invalid_body", "client_certificate" },
            { $$"""{"client_id":"c","client_certificate":{{Json(good.CertificatePem)}},"client_private_key":{{Json(other.PrivateKeyPem)}}}""", "invalid_body", "client_certificate" },
            { $$"""{"client_id":"c","client_certificate":{{Json(good.CertificatePem)}},"client_private_key":{{Json(good.PrivateKeyPem[..60])}}}""", "invalid_body", "client_certificate" },
            { $$"""{"client_id":"c","client_certificate":{{Json(new string('A', 20_000))}},"client_private_key":"k"}""", "invalid_body", "client_certificate" },
        };
    }

    [Theory]
    [MemberData(nameof(BadBodies))]
    public async Task BadClientMaterial_IsRefusedWithTheDocumentedCode_BeforeAnyTokenRequest(string body, string code, string? path)
    {
        await using var app = await Server.StartAsync();
        await app.CreateIntegrationAsync(Integration);
        using var content = new StringContent(body, System.Text.Encoding.UTF8, "application/json");

        var response = await app.Http.PostAsync($"/oauth2/auth/{Integration}?connect_session_token={await app.CreateSessionTokenAsync()}", content, Server.Cancellation);
        var error = (await response.JsonAsync())["error"]!;

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal(code, error["code"]!.GetValue<string>());
        if (path is not null)
        {
            Assert.Equal(path, error["errors"]![0]!["path"]![0]!.GetValue<string>());
        }

        Assert.Null(app.Fake.LastPresentedThumbprint);
        Assert.DoesNotContain("PRIVATE KEY", error.ToJsonString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task ServerCertificate_NotTrusted_WithoutTheOption_FailsTheTokenRequest()
    {
        await using var app = await Server.StartAsync(new Dictionary<string, string?> { ["LATCHKEY_OUTBOUND_TRUSTED_CERTIFICATES"] = "" });
        await app.CreateIntegrationAsync(Integration);
        var (certificate, key) = app.Fake.GoodClientCertificate;

        var response = await ConnectAsync(app, Integration, new { client_id = FakeProvider.ClientId, client_certificate = certificate, client_private_key = key });

        // A TLS failure is no verdict on the client's credentials (issue 17 item 1).
        Assert.Equal(HttpStatusCode.BadGateway, response.StatusCode);
        Assert.Equal("provider_unreachable", await response.ErrorCodeAsync());
        Assert.Null(app.Fake.LastPresentedThumbprint);
    }

    [Fact]
    public async Task CertificateClient_KeepsTheAddressGuard()
    {
        await using var app = await Server.StartAsync(new Dictionary<string, string?> { ["LATCHKEY_OUTBOUND_ALLOW"] = "" });
        await app.CreateIntegrationAsync(Integration);
        var (certificate, key) = app.Fake.GoodClientCertificate;

        var response = await ConnectAsync(app, Integration, new { client_id = FakeProvider.ClientId, client_certificate = certificate, client_private_key = key });
        var message = (await response.JsonAsync())["error"]!["message"]!.GetValue<string>();

        Assert.Equal(HttpStatusCode.BadGateway, response.StatusCode);
        Assert.Contains("Refused to connect to 127.0.0.1", message, StringComparison.Ordinal);
        Assert.Null(app.Fake.LastPresentedThumbprint);
    }

    private static string Json(string text) => System.Text.Json.JsonSerializer.Serialize(text);
}
