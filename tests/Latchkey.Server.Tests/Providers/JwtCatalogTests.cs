using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using Latchkey.Server.Providers;
using Latchkey.Server.Tokens;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Extensions.Time.Testing;

namespace Latchkey.Server.Tests.Providers;

/// <summary>
/// The built-in JWT entries (Catalog/jwt.yaml) sign the token each provider documents: the real <see cref="JwtTokens"/>
/// signs with a generated key and the entry as shipped, and the test checks the signature with the key and every
/// header field and claim the provider asks for.
/// </summary>
public sealed class JwtCatalogTests
{
    private static readonly ProviderCatalog BuiltIn = ProvidersFeature.LoadCatalog(new ProvidersOptions());
    private static readonly DateTimeOffset Now = new(2026, 5, 1, 12, 0, 0, TimeSpan.Zero);

    private static (JsonObject Header, JsonObject Claims, byte[] Signed, byte[] Signature, JsonObject Credentials) Sign(string provider, JsonObject fields)
    {
        var signed = new JwtTokens(new FakeTimeProvider(Now)).Sign(BuiltIn.Find(provider)!, fields);
        Assert.False(signed.Failed, $"{provider}: the token was not signed");
        var credentials = signed.Value.Credentials;
        var parts = credentials["token"]!.GetValue<string>().Split('.');
        return (JsonNode.Parse(WebEncoders.Base64UrlDecode(parts[0]))!.AsObject(), JsonNode.Parse(WebEncoders.Base64UrlDecode(parts[1]))!.AsObject(),
            Encoding.ASCII.GetBytes($"{parts[0]}.{parts[1]}"), WebEncoders.Base64UrlDecode(parts[2]), credentials);
    }

    private static long Lifetime(JsonObject claims) => claims["exp"]!.GetValue<long>() - claims["iat"]!.GetValue<long>();

    [Fact]
    public void GhostAdmin_SignsHs256WithTheHexSecret_KidIsTheKeyId_AudienceAdmin_FiveMinutes()
    {
        var secret = RandomNumberGenerator.GetBytes(32);
        var key = $"6748592f4b9b7700010f6564:{Convert.ToHexStringLower(secret)}";

        var (header, claims, signed, signature, _) = Sign("ghost-admin", new JsonObject { ["privateKey"] = key });

        Assert.Equal(("HS256", "6748592f4b9b7700010f6564"), (header["alg"]!.GetValue<string>(), header["kid"]!.GetValue<string>()));
        Assert.Equal("/admin/", claims["aud"]!.GetValue<string>());
        Assert.Equal(Now.ToUnixTimeSeconds(), claims["iat"]!.GetValue<long>());
        Assert.Equal(300, Lifetime(claims));
        Assert.Equal(HMACSHA256.HashData(secret, signed), signature);
    }

    [Fact]
    public void AppleAppStore_SignsEs256_KidIsTheKeyId_IssuerAndAudience_UnderTwentyMinutes()
    {
        using var ec = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var fields = new JsonObject { ["issuerId"] = "57246542-96fe-1a63-e053-0824d011072a", ["privateKeyId"] = "2X9R4HXF34", ["privateKey"] = ec.ExportPkcs8PrivateKeyPem() };

        var (header, claims, signed, signature, _) = Sign("apple-app-store", fields);

        Assert.Equal(("ES256", "2X9R4HXF34"), (header["alg"]!.GetValue<string>(), header["kid"]!.GetValue<string>()));
        Assert.Equal(("57246542-96fe-1a63-e053-0824d011072a", "appstoreconnect-v1"), (claims["iss"]!.GetValue<string>(), claims["aud"]!.GetValue<string>()));
        Assert.InRange(Lifetime(claims), 60, 20 * 60);
        Assert.True(ec.VerifyData(signed, signature, HashAlgorithmName.SHA256));
    }

    [Fact]
    public void Heymarket_SignsHs256WithIdAndKeyJoined_IssuerIsTheSecretId_FiveMinutes()
    {
        var fields = new JsonObject { ["apiSecretId"] = "74f80a77-9b3f-44ac-b3ad-ab68cfb548fa", ["apiSecretKey"] = "cPQku7lnSLbnK88UFOBg1a6Q3t1w1RgK" };

        var (header, claims, signed, signature, _) = Sign("heymarket", fields);

        Assert.Equal("HS256", header["alg"]!.GetValue<string>());
        Assert.Equal("74f80a77-9b3f-44ac-b3ad-ab68cfb548fa", claims["iss"]!.GetValue<string>());
        Assert.Equal(300, Lifetime(claims));
        var joined = Encoding.UTF8.GetBytes("74f80a77-9b3f-44ac-b3ad-ab68cfb548fa||cPQku7lnSLbnK88UFOBg1a6Q3t1w1RgK");
        Assert.Equal(HMACSHA256.HashData(joined, signed), signature);
    }

    [Fact]
    public void SnowflakeJwt_SignsRs256_IssuerCarriesThePublicKeyFingerprint_InUpperCase_UnderAnHour()
    {
        using var rsa = RSA.Create(2048);
        var fields = new JsonObject { ["accountIdentifier"] = "myorg-myaccount", ["userName"] = "jsmith", ["privateKey"] = rsa.ExportPkcs8PrivateKeyPem() };
        var fingerprint = "SHA256:" + Convert.ToBase64String(SHA256.HashData(rsa.ExportSubjectPublicKeyInfo()));

        var (header, claims, signed, signature, _) = Sign("snowflake-jwt", fields);

        Assert.Equal("RS256", header["alg"]!.GetValue<string>());
        Assert.Equal($"MYORG-MYACCOUNT.JSMITH.{fingerprint}", claims["iss"]!.GetValue<string>());
        Assert.Equal("MYORG-MYACCOUNT.JSMITH", claims["sub"]!.GetValue<string>());
        Assert.InRange(Lifetime(claims), 60, 60 * 60);
        Assert.True(rsa.VerifyData(signed, signature, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1));
    }

    [Theory]
    [InlineData("ghost-admin", "Ghost ")]
    [InlineData("apple-app-store", "Bearer ")]
    [InlineData("heymarket", "Bearer ")]
    [InlineData("snowflake-jwt", "Bearer ")]
    public void ProxyRequests_CarryTheSignedToken(string name, string scheme)
    {
        var provider = BuiltIn.Find(name)!;
        var headers = provider.Proxy!["headers"]!.AsObject();

        Assert.Equal(AuthModes.Jwt, provider.AuthMode);
        Assert.Equal(scheme + "${credentials.token}", headers["authorization"]!.GetValue<string>());
    }

    [Fact]
    public void GhostAdmin_KeyWithoutASecret_IsRefused_NotSigned()
    {
        var signed = new JwtTokens(new FakeTimeProvider(Now)).Sign(BuiltIn.Find("ghost-admin")!, new JsonObject { ["privateKey"] = "6748592f4b9b7700010f6564" });

        Assert.True(signed.Failed);
    }
}
