using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.WebUtilities;

namespace Latchkey.TestKit;

/// <summary>
/// A client-credentials token endpoint for <c>private_key_jwt</c> clients (RFC 7523 §2.2, §3): it checks the
/// assertion's RS256 signature with the client's public key, its <c>kid</c>, issuer and subject, that its audience is
/// this very endpoint, that it expires five minutes after it was issued, and that its <c>jti</c> was never seen.
/// </summary>
public sealed partial class FakeProvider
{
    public const string AssertionKeyId = "fake-assertion-key-1";

    private readonly RSA _assertionKey = RSA.Create(2048);
    private readonly ConcurrentDictionary<string, bool> _seenAssertionIds = new();
    private int _clientAssertionTokenCalls;

    /// <summary>The client's RSA private key as a JWK with <see cref="AssertionKeyId"/>.</summary>
    public string ClientAssertionJwk
    {
        get
        {
            var key = _assertionKey.ExportParameters(includePrivateParameters: true);
            return new JsonObject
            {
                ["kty"] = "RSA", ["kid"] = AssertionKeyId, ["n"] = B64(key.Modulus!), ["e"] = B64(key.Exponent!), ["d"] = B64(key.D!),
                ["p"] = B64(key.P!), ["q"] = B64(key.Q!), ["dp"] = B64(key.DP!), ["dq"] = B64(key.DQ!), ["qi"] = B64(key.InverseQ!),
            }.ToJsonString();
        }
    }

    /// <summary>The same key as PKCS#8 PEM (its kid is then the key's RFC 7638 thumbprint).</summary>
    public string ClientAssertionPem => _assertionKey.ExportPkcs8PrivateKeyPem();

    public int ClientAssertionTokenCalls => _clientAssertionTokenCalls;

    /// <summary>The header and claims of the last assertion that passed every check.</summary>
    public (JsonObject Header, JsonObject Claims)? LastAssertion { get; private set; }

    private void MapClientAssertionToken(WebApplication app) => app.MapPost("/assertion/token", async (HttpRequest request) =>
    {
        var form = (await request.ReadFormAsync()).ToDictionary(pair => pair.Key, pair => pair.Value.ToString());
        LastTokenForm = form;
        if (form.GetValueOrDefault("client_assertion_type") != "urn:ietf:params:oauth:client-assertion-type:jwt-bearer"
            || form.GetValueOrDefault("client_id") != ClientId || form.ContainsKey("client_secret"))
        {
            return Error("invalid_client", "expected a jwt-bearer client assertion for the client, without a secret", 401);
        }

        var audience = $"{request.Scheme}://{request.Host}{request.Path}";
        if (Verified(form.GetValueOrDefault("client_assertion") ?? "", audience) is not { } assertion)
        {
            return Error("invalid_client", "the client assertion did not verify", 401);
        }

        LastAssertion = assertion;
        Interlocked.Increment(ref _clientAssertionTokenCalls);
        return IssueTokens(form.GetValueOrDefault("scope") ?? "", withRefreshToken: false);
    });

    private (JsonObject Header, JsonObject Claims)? Verified(string assertion, string audience)
    {
        var parts = assertion.Split('.');
        if (parts.Length != 3)
        {
            return null;
        }

        var signatureOk = _assertionKey.VerifyData(Encoding.ASCII.GetBytes($"{parts[0]}.{parts[1]}"), WebEncoders.Base64UrlDecode(parts[2]),
            HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        var header = JsonNode.Parse(WebEncoders.Base64UrlDecode(parts[0])) as JsonObject;
        var claims = JsonNode.Parse(WebEncoders.Base64UrlDecode(parts[1])) as JsonObject;
        var kid = header?["kid"]?.ToString();
        var issuedAt = claims?["iat"]?.GetValue<long>() ?? 0;
        var expires = claims?["exp"]?.GetValue<long>() ?? 0;
        var jti = claims?["jti"]?.ToString() ?? "";
        var valid = signatureOk && header?["alg"]?.ToString() == "RS256" && (kid == AssertionKeyId || kid == AssertionKeyThumbprint())
            && claims?["iss"]?.ToString() == ClientId && claims["sub"]?.ToString() == ClientId && claims["aud"]?.ToString() == audience
            && expires > DateTimeOffset.UtcNow.ToUnixTimeSeconds() && expires - issuedAt == 300
            && jti.Length > 0 && _seenAssertionIds.TryAdd(jti, true);
        return valid ? (header!, claims!) : null;
    }

    // RFC 7638: the JWK thumbprint over {"e","kty","n"}, computed here independently of the server's code.
    private string AssertionKeyThumbprint()
    {
        var key = _assertionKey.ExportParameters(includePrivateParameters: false);
        var json = $"{{\"e\":\"{B64(key.Exponent!)}\",\"kty\":\"RSA\",\"n\":\"{B64(key.Modulus!)}\"}}";
        return B64(SHA256.HashData(Encoding.UTF8.GetBytes(json)));
    }

    private static string B64(byte[] bytes) => WebEncoders.Base64UrlEncode(bytes);
}
