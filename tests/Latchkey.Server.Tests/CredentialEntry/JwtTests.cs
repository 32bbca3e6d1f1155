using System.Net;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using Latchkey.Server.Providers;
using Latchkey.Server.Tokens;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Extensions.Time.Testing;

namespace Latchkey.Server.Tests.CredentialEntry;

/// <summary>JWT through the SDK's endpoint: a token this server signs from the entered fields, checked by the fake API.</summary>
public sealed class JwtTests
{
    private static async Task<HttpResponseMessage> SubmitAsync(TestApp app, string secret = FakeProvider.JwtSecret) =>
        await app.Http.PostAsJsonAsync($"/auth/jwt/fake-jwt?connect_session_token={await app.CreateSessionTokenAsync()}",
            new { type = "JWT", keyId = FakeProvider.JwtKeyId, secret }, Server.Cancellation);

    [Fact]
    public async Task SignedToken_IsAcceptedByTheProvider_SavedAndReturned()
    {
        await using var app = await Server.StartAsync();
        await app.CreateIntegrationAsync("fake-jwt");

        var submitted = await SubmitAsync(app);
        var connectionId = (await submitted.JsonAsync())["connectionId"]!.GetValue<string>();
        var credentials = (await (await app.Backend.GetAsync($"/connections/{connectionId}?provider_config_key=fake-jwt", Server.Cancellation)).JsonAsync())["credentials"]!;

        Assert.Equal(HttpStatusCode.OK, submitted.StatusCode);
        Assert.Equal(("JWT", FakeProvider.JwtKeyId), (credentials["type"]!.GetValue<string>(), credentials["keyId"]!.GetValue<string>()));
        Assert.Equal(3, credentials["token"]!.GetValue<string>().Split('.').Length);
        Assert.Equal((FakeProvider.JwtKeyId, "fake-api"), (app.Fake.LastJwtClaims!["iss"]!.GetValue<string>(), app.Fake.LastJwtClaims["aud"]!.GetValue<string>()));
        Assert.Equal(1, app.Fake.JwtCalls);
    }

    [Fact]
    public async Task WrongSecret_IsConnectionTestFailed_AndNoSecretIsLogged()
    {
        await using var app = await Server.StartAsync();
        await app.CreateIntegrationAsync("fake-jwt");

        var refused = await SubmitAsync(app, "not-the-secret");

        Assert.Equal((HttpStatusCode.BadRequest, "connection_test_failed"), (refused.StatusCode, await refused.ErrorCodeAsync()));
        Assert.DoesNotContain(app.Logs.Lines, line => line.Contains("not-the-secret", StringComparison.Ordinal) || line.Contains(FakeProvider.JwtSecret, StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("RSA", "RS256")]
    [InlineData("EC", "ES256")]
    public void AsymmetricKeys_SignTokensThatTheirPublicKeyVerifies(string protocol, string algorithm)
    {
        using var rsa = RSA.Create(2048);
        using var ec = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var pem = protocol == "RSA" ? rsa.ExportPkcs8PrivateKeyPem() : ec.ExportPkcs8PrivateKeyPem();
        var provider = ProviderCatalog.Load($"p:\n  display_name: P\n  docs: https://d\n  auth_mode: JWT\n  signature:\n    protocol: {protocol}\n", null).Find("p")!;

        var token = new JwtTokens(TimeProvider.System).Sign(provider, new JsonObject { ["privateKey"] = pem }).Value.Credentials["token"]!.GetValue<string>();

        var parts = token.Split('.');
        var signed = Encoding.ASCII.GetBytes($"{parts[0]}.{parts[1]}");
        var signature = WebEncoders.Base64UrlDecode(parts[2]);
        Assert.Equal(algorithm, JsonNode.Parse(WebEncoders.Base64UrlDecode(parts[0]))!["alg"]!.GetValue<string>());
        Assert.True(protocol == "RSA"
            ? rsa.VerifyData(signed, signature, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1)
            : ec.VerifyData(signed, signature, HashAlgorithmName.SHA256));
    }

    [Fact]
    public async Task ForcedRefresh_SignsANewToken()
    {
        var clock = new FakeTimeProvider(DateTimeOffset.UtcNow);
        await using var app = await Server.StartAsync(clock: clock);
        await app.CreateIntegrationAsync("fake-jwt");
        var connectionId = (await (await SubmitAsync(app)).JsonAsync())["connectionId"]!.GetValue<string>();
        var path = $"/connections/{connectionId}?provider_config_key=fake-jwt";
        var first = (await (await app.Backend.GetAsync(path, Server.Cancellation)).JsonAsync())["credentials"]!["token"]!.GetValue<string>();
        clock.Advance(TimeSpan.FromSeconds(5)); // iat has one-second resolution

        var second = (await (await app.Backend.GetAsync(path + "&force_refresh=true", Server.Cancellation)).JsonAsync())["credentials"]!["token"]!.GetValue<string>();

        Assert.NotEqual(first, second);
    }
}
