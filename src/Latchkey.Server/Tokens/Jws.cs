using System.Text;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.WebUtilities;

namespace Latchkey.Server.Tokens;

/// <summary>The JWS compact serialization (RFC 7515 §7.1) of the tokens this server signs.</summary>
internal static class Jws
{
    /// <param name="header">The protected header (<c>alg</c> must match <paramref name="sign"/>).</param>
    /// <param name="claims">The payload.</param>
    /// <param name="sign">Signs the ASCII signing input; may throw when the key is unusable.</param>
    public static string Sign(JsonObject header, JsonObject claims, Func<byte[], byte[]> sign)
    {
        var signingInput = $"{Encode(header.ToJsonString())}.{Encode(claims.ToJsonString())}";
        return $"{signingInput}.{WebEncoders.Base64UrlEncode(sign(Encoding.ASCII.GetBytes(signingInput)))}";
    }

    private static string Encode(string json) => WebEncoders.Base64UrlEncode(Encoding.UTF8.GetBytes(json));
}
