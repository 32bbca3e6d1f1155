using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using Latchkey.Server.Hosting;
using Latchkey.Server.Providers;

namespace Latchkey.Server.Tokens;

/// <summary>
/// JWT (spec §8.2, §8.4): the token is a JSON Web Token (RFC 7519) this server signs itself from the fields the end
/// user entered, as the catalog entry says — <c>signature.protocol</c> RSA (RS256), EC (ES256) or HMAC (HS256, the
/// secret read as <c>signature.hmac_secret_encoding</c> hex, base64 or text), and <c>token</c> with the
/// <c>signing_key</c> template, extra <c>header</c> and <c>payload</c> claims and <c>expires_in_ms</c>. Nothing is sent
/// to the provider to obtain it; it is signed again when it nears expiry.
/// </summary>
public sealed class JwtTokens(TimeProvider clock)
{
    private static readonly TimeSpan DefaultLifetime = TimeSpan.FromHours(1);

    public Outcome<(JsonObject Credentials, DateTimeOffset? ExpiresAt)> Sign(Provider provider, JsonObject fields)
    {
        var entered = new JsonObject(fields.Where(pair => !TwoStepExchange.IssuedFields.Contains(pair.Key)).Select(pair => KeyValuePair.Create(pair.Key, pair.Value?.DeepClone())));
        var values = ProviderApiRequest.ValuesFor(entered, []);
        var recipe = provider.Definition["token"] as JsonObject ?? [];
        var protocol = (provider.Definition["signature"] as JsonObject)?.GetString("protocol") ?? "RSA";
        var key = Template.Render(recipe.GetString("signing_key") ?? "${credentials.privateKey}", values);
        var claims = Rendered(recipe, "payload", values);
        var extraHeader = Rendered(recipe, "header", values);
        if (key.Length == 0 || !Template.IsComplete(key) || claims is null || extraHeader is null)
        {
            return Refused(provider, "the entered fields do not fill the token's template");
        }

        var now = clock.GetUtcNow();
        var expiresAt = now + (recipe.GetNumber("expires_in_ms") is { } milliseconds ? TimeSpan.FromMilliseconds(milliseconds) : DefaultLifetime);
        var header = new JsonObject { ["alg"] = protocol switch { "EC" => "ES256", "HMAC" => "HS256", _ => "RS256" }, ["typ"] = "JWT" };
        foreach (var (name, value) in extraHeader)
        {
            header[name] = value?.DeepClone();
        }

        claims["iat"] ??= now.ToUnixTimeSeconds();
        claims["exp"] ??= expiresAt.ToUnixTimeSeconds();
        string token;
        try
        {
            var hmacEncoding = (provider.Definition["signature"] as JsonObject)?.GetString("hmac_secret_encoding");
            token = Jws.Sign(header, claims, input => SignWith(protocol, hmacEncoding, key, input));
        }
        catch (Exception exception) when (exception is ArgumentException or CryptographicException or FormatException)
        {
            // The key itself is never part of the message.
            return Refused(provider, "the signing key could not be read");
        }

        var credentials = entered.DeepClone().AsObject();
        credentials["type"] = AuthModes.Jwt;
        credentials["token"] = token;
        credentials["expires_at"] = Timestamps.Format(expiresAt);
        return (credentials, expiresAt);
    }

    /// <summary>
    /// A compact RS256 JWT (RFC 7515 §7.1) over <paramref name="claims"/>, signed with a PEM RSA private key. Throws
    /// <see cref="CryptographicException"/> or <see cref="ArgumentException"/> when the key cannot be read.
    /// </summary>
    public static string SignRs256(JsonObject claims, string privateKeyPem)
    {
        var header = new JsonObject { ["alg"] = "RS256", ["typ"] = "JWT" };
        return Jws.Sign(header, claims, input => SignWith("RSA", null, privateKeyPem, input));
    }

    private static byte[] SignWith(string protocol, string? secretEncoding, string key, byte[] input)
    {
        switch (protocol)
        {
            case "HMAC":
                var secret = secretEncoding switch
                {
                    "hex" => Convert.FromHexString(key),
                    "base64" => Convert.FromBase64String(key),
                    _ => Encoding.UTF8.GetBytes(key),
                };
                return HMACSHA256.HashData(secret, input);
            case "EC":
                using (var ec = ECDsa.Create())
                {
                    ec.ImportFromPem(key);
                    // JWS wants the fixed-size r‖s form (RFC 7518 §3.4), which is .NET's default for SignData.
                    return ec.SignData(input, HashAlgorithmName.SHA256);
                }

            default:
                using (var rsa = RSA.Create())
                {
                    rsa.ImportFromPem(key);
                    return rsa.SignData(input, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
                }
        }
    }

    // A claims or header map rendered with the entered fields; null when a placeholder stays unfilled.
    private static JsonObject? Rendered(JsonObject recipe, string key, TemplateValues values)
    {
        var result = new JsonObject();
        foreach (var (name, template) in recipe.GetStringMap(key))
        {
            var value = Template.Render(template, values);
            if (!Template.IsComplete(value))
            {
                return null;
            }

            result[name] = value;
        }

        return result;
    }

    private static ApiError Refused(Provider provider, string why) =>
        ApiError.BadRequest(ErrorCodes.ConnectionTestFailed, $"A token for {provider.DisplayName} could not be signed: {why}.");
}
