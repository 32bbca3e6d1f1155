using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Latchkey.Server.Providers;
using Microsoft.AspNetCore.WebUtilities;

namespace Latchkey.Server.Tokens;

/// <summary>
/// <c>token_request_auth_method: private_key_jwt</c> (spec §5.5.3): the client proves itself with a JWT signed by its
/// own RSA key instead of a secret (RFC 7523 §2.2, RFC 7521 §4.2). The key is the connection's
/// <c>client_private_key</c>, a private JWK (its <c>kid</c> goes in the header) or a PEM (the header's <c>kid</c> is
/// then the key's RFC 7638 thumbprint, which is what a JWKS built from that key would name it).
/// </summary>
public static class ClientAssertion
{
    public const string AssertionType = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer";

    // Short on purpose (RFC 7523 §3 item 4): the assertion is used once, at once.
    private static readonly TimeSpan Lifetime = TimeSpan.FromSeconds(300);

    public static bool IsUsedBy(Provider provider) => provider.GetString("token_request_auth_method") == "private_key_jwt";

    /// <summary>The signed assertion. Throws <see cref="CryptographicException"/> when the key cannot sign.</summary>
    /// <param name="clientId">Both issuer and subject (RFC 7523 §3 items 1 and 2).</param>
    /// <param name="tokenUrl">The audience: the token endpoint the assertion is sent to (§3 item 3).</param>
    /// <param name="privateKey">An RSA private key as a JWK or PEM.</param>
    /// <param name="now">Issued at.</param>
    public static string Create(string clientId, Uri tokenUrl, string privateKey, DateTimeOffset now)
    {
        using var rsa = ReadKey(privateKey, out var keyId);
        var header = new JsonObject { ["alg"] = "RS256", ["typ"] = "JWT", ["kid"] = keyId };
        var claims = new JsonObject
        {
            ["iss"] = clientId,
            ["sub"] = clientId,
            ["aud"] = tokenUrl.AbsoluteUri,
            ["iat"] = now.ToUnixTimeSeconds(),
            ["exp"] = (now + Lifetime).ToUnixTimeSeconds(),
            // A fresh id per assertion so the provider can refuse a replay (§3 item 7).
            ["jti"] = Guid.NewGuid().ToString(),
        };
        return Jws.Sign(header, claims, input => rsa.SignData(input, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1));
    }

    /// <summary>Whether <paramref name="privateKey"/> is an RSA private key this server can sign with.</summary>
    public static bool CanSignWith(string privateKey)
    {
        try
        {
            using var rsa = ReadKey(privateKey, out _);
            return true;
        }
        catch (CryptographicException)
        {
            return false;
        }
    }

    private static RSA ReadKey(string text, out string keyId)
    {
        var rsa = RSA.Create();
        try
        {
            if (text.TrimStart().StartsWith('{'))
            {
                var jwk = ParseJwk(text);
                rsa.ImportParameters(jwk.Parameters);
                keyId = jwk.KeyId ?? Thumbprint(rsa);
            }
            else
            {
                rsa.ImportFromPem(text);
                keyId = Thumbprint(rsa);
            }

            // A public key imports but cannot sign: find out now, not at the provider.
            _ = rsa.ExportParameters(includePrivateParameters: true);
            return rsa;
        }
        catch (Exception exception) when (exception is ArgumentException or FormatException or JsonException or CryptographicException)
        {
            rsa.Dispose();
            throw new CryptographicException("The client's private key is not a usable RSA private key.");
        }
    }

    private static (RSAParameters Parameters, string? KeyId) ParseJwk(string text)
    {
        var jwk = JsonNode.Parse(text) as JsonObject ?? throw new FormatException("not a JSON object");
        if (jwk.GetString("kty") != "RSA")
        {
            throw new FormatException("only RSA keys sign RS256");
        }

        byte[] Member(string name) => WebEncoders.Base64UrlDecode(jwk.GetString(name) ?? throw new FormatException($"the JWK has no {name}"));

        // JWK integers drop leading zero bytes (RFC 7518 §6.3); .NET wants D as long as the modulus, the rest half of it.
        var modulus = Member("n");
        var half = (modulus.Length + 1) / 2;
        var parameters = new RSAParameters
        {
            Modulus = modulus, Exponent = Member("e"), D = LeftPad(Member("d"), modulus.Length),
            P = LeftPad(Member("p"), half), Q = LeftPad(Member("q"), half), DP = LeftPad(Member("dp"), half),
            DQ = LeftPad(Member("dq"), half), InverseQ = LeftPad(Member("qi"), half),
        };
        return (parameters, jwk.GetString("kid"));
    }

    private static byte[] LeftPad(byte[] value, int length)
    {
        if (value.Length >= length)
        {
            return value;
        }

        var padded = new byte[length];
        value.CopyTo(padded, length - value.Length);
        return padded;
    }

    // RFC 7638 §3: SHA-256 of the required members in lexicographic order, without whitespace.
    private static string Thumbprint(RSA rsa)
    {
        var key = rsa.ExportParameters(includePrivateParameters: false);
        var canonical = $"{{\"e\":\"{WebEncoders.Base64UrlEncode(key.Exponent!)}\",\"kty\":\"RSA\",\"n\":\"{WebEncoders.Base64UrlEncode(key.Modulus!)}\"}}";
        return WebEncoders.Base64UrlEncode(SHA256.HashData(Encoding.UTF8.GetBytes(canonical)));
    }
}
