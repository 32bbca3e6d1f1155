using System.Net;
using System.Security.Cryptography;
using static Latchkey.Server.Tests.Tokens.ClientCredentialsRequests;

namespace Latchkey.Server.Tests.Tokens;

/// <summary>
/// <c>token_request_auth_method: private_key_jwt</c> (spec §5.5.3, RFC 7523 §2.2): the fake's token endpoint verifies
/// the assertion with the client's public key — signature, kid, iss and sub, its own URL as aud, a five-minute exp —
/// and refuses a jti it has seen.
/// </summary>
public sealed class ClientAssertionTests
{
    private const string Integration = "fake-cc-private-key-jwt";

    [Theory]
    [InlineData("jwk")]
    [InlineData("pem")]
    public async Task SignedAssertion_ObtainsTheToken_WithoutASecret_AndAFreshOneRefreshes(string keyFormat)
    {
        await using var app = await Server.StartAsync();
        await app.CreateIntegrationAsync(Integration);
        var key = keyFormat == "jwk" ? app.Fake.ClientAssertionJwk : app.Fake.ClientAssertionPem;

        var connectionId = await ConnectionIdAsync(app, await ConnectAsync(app, Integration, new { client_id = FakeProvider.ClientId, client_private_key = key }));
        var first = app.Fake.LastAssertion!.Value;
        var stored = await CredentialsAsync(app, Integration, connectionId);
        var refreshed = await CredentialsAsync(app, Integration, connectionId, forceRefresh: true);

        Assert.Equal(2, app.Fake.ClientAssertionTokenCalls);
        Assert.Equal(key, stored["client_private_key"]!.GetValue<string>());
        Assert.Equal("", stored["client_secret"]!.GetValue<string>());
        Assert.Equal(app.Fake.CurrentAccessTokenOrNull, refreshed["token"]!.GetValue<string>());
        Assert.NotEqual(first.Claims["jti"]!.GetValue<string>(), app.Fake.LastAssertion!.Value.Claims["jti"]!.GetValue<string>());
        if (keyFormat == "jwk")
        {
            Assert.Equal(FakeProvider.AssertionKeyId, first.Header["kid"]!.GetValue<string>());
        }
        else
        {
            Assert.NotEqual(FakeProvider.AssertionKeyId, first.Header["kid"]!.GetValue<string>());
        }
    }

    [Fact]
    public async Task AssertionSignedWithAnotherKey_IsRefusedByTheProvider_AsAFetchError()
    {
        await using var app = await Server.StartAsync();
        await app.CreateIntegrationAsync(Integration);
        using var stranger = RSA.Create(2048);

        var response = await ConnectAsync(app, Integration, new { client_id = FakeProvider.ClientId, client_private_key = stranger.ExportPkcs8PrivateKeyPem() });

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("client_credentials_fetch_error", await response.ErrorCodeAsync());
        Assert.NotNull(app.Fake.LastTokenForm!["client_assertion"]);
        Assert.Equal(0, app.Fake.ClientAssertionTokenCalls);
    }

    public static TheoryData<string, string, string?> BadBodies()
    {
        using var ec = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        using var rsa = RSA.Create(2048);
        return new()
        {
            { """{"client_id":"c"}""", "missing_client_secret", null },
            { """{"client_id":"c","client_secret":"s"}""", "invalid_body", "client_private_key" },
            { """{"client_id":"c","client_private_key":"not a key"}""", "invalid_body", "client_private_key" },
            { """{"client_id":"c","client_private_key":"{\"kty\":\"RSA\",\"n\":\"AQAB\"}"}""", "invalid_body", "client_private_key" },
            { $$"""{"client_id":"c","client_private_key":{{Json(ec.ExportPkcs8PrivateKeyPem())}}}""", "invalid_body", "client_private_key" },
            { $$"""{"client_id":"c","client_private_key":{{Json(rsa.ExportSubjectPublicKeyInfoPem())}}}""", "invalid_body", "client_private_key" },
        };
    }

    [Theory]
    [MemberData(nameof(BadBodies))]
    public async Task BadKey_IsRefusedWithTheDocumentedCode_BeforeAnyTokenRequest(string body, string code, string? path)
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

        Assert.Null(app.Fake.LastTokenForm);
    }

    private static string Json(string text) => System.Text.Json.JsonSerializer.Serialize(text);
}
