using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using Latchkey.Server.Hosting;
using Latchkey.Server.Providers;

namespace Latchkey.Server.Tokens;

/// <summary>
/// SIGNATURE (spec §8.2, §8.4), protocol WSSE: the token is a WSSE UsernameToken (the value of an <c>X-WSSE</c>
/// header) this server computes from the username and secret — a fresh nonce, the creation time, and
/// <c>PasswordDigest = base64(sha1(nonce + created + secret))</c>. Emarsys, the provider that uses it, takes the SHA-1
/// as lower-case hex before the base64 step (dev.emarsys.com "Authentication", the PHP sample's <c>sha1(…, false)</c>).
/// Nothing is sent to obtain it. The provider accepts a token for a few minutes, so it is made anew whenever it is read
/// after <c>token.expires_in_ms</c>.
/// </summary>
public sealed class WsseTokens(TimeProvider clock)
{
    private static readonly TimeSpan DefaultLifetime = TimeSpan.FromMinutes(5);

    public Outcome<(JsonObject Credentials, DateTimeOffset? ExpiresAt)> Sign(Provider provider, JsonObject fields)
    {
        var username = fields.GetString("username");
        var secret = fields.GetString("password");
        var protocol = (provider.Definition["signature"] as JsonObject)?.GetString("protocol") ?? "WSSE";
        if (string.IsNullOrEmpty(username) || string.IsNullOrEmpty(secret))
        {
            return ApiError.BadRequest(ErrorCodes.ConnectionTestFailed, $"A token for {provider.DisplayName} needs a username and a password.");
        }

        if (protocol != "WSSE")
        {
            return ApiError.BadRequest(ErrorCodes.ConnectionTestFailed, $"{provider.DisplayName} uses the signature protocol {protocol}, which Latchkey does not speak.");
        }

        var now = clock.GetUtcNow();
        var created = now.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", System.Globalization.CultureInfo.InvariantCulture);
        var nonce = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16));
#pragma warning disable CA5350 // SHA-1 is what the WSSE UsernameToken digest is defined with; it is not our choice
        var digest = Convert.ToHexStringLower(SHA1.HashData(Encoding.UTF8.GetBytes(nonce + created + secret)));
#pragma warning restore CA5350
        var token = $"UsernameToken Username=\"{username}\", PasswordDigest=\"{Convert.ToBase64String(Encoding.ASCII.GetBytes(digest))}\", Nonce=\"{nonce}\", Created=\"{created}\"";
        var lifetime = (provider.Definition["token"] as JsonObject)?.GetNumber("expires_in_ms") is { } milliseconds ? TimeSpan.FromMilliseconds(milliseconds) : DefaultLifetime;
        var expiresAt = now + lifetime;
        return (new JsonObject
        {
            ["type"] = AuthModes.Signature,
            ["username"] = username,
            ["password"] = secret,
            ["token"] = token,
            ["expires_at"] = Timestamps.Format(expiresAt),
        }, expiresAt);
    }
}
