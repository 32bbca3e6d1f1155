using System.Net;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.WebUtilities;

namespace Latchkey.TestKit;

/// <summary>
/// A JWT provider's API: it accepts a bearer token signed with HS256 under the shared secret the end user holds, not
/// yet expired, and remembers the claims it saw.
/// </summary>
public sealed partial class FakeProvider
{
    public const string JwtKeyId = "fake-key-7a1";
    public const string JwtSecret = "fake-jwt-signing-secret-5c1e";

    private int _jwtCalls;

    public int JwtCalls => _jwtCalls;

    public JsonObject? LastJwtClaims { get; private set; }

    private void MapJwt(WebApplication app) => app.MapGet("/jwt/me", (HttpRequest request) =>
    {
        Interlocked.Increment(ref _jwtCalls);
        var token = request.Headers.Authorization.ToString().Replace("Bearer ", "", StringComparison.Ordinal);
        var parts = token.Split('.');
        if (parts.Length != 3)
        {
            return Results.StatusCode((int)HttpStatusCode.Unauthorized);
        }

        var expected = WebEncoders.Base64UrlEncode(HMACSHA256.HashData(Encoding.UTF8.GetBytes(JwtSecret), Encoding.ASCII.GetBytes($"{parts[0]}.{parts[1]}")));
        var claims = JsonNode.Parse(WebEncoders.Base64UrlDecode(parts[1])) as JsonObject;
        var header = JsonNode.Parse(WebEncoders.Base64UrlDecode(parts[0])) as JsonObject;
        var fresh = claims?["exp"]?.GetValue<long>() > DateTimeOffset.UtcNow.ToUnixTimeSeconds();
        if (expected != parts[2] || !fresh || header?["alg"]?.ToString() != "HS256")
        {
            return Results.StatusCode((int)HttpStatusCode.Unauthorized);
        }

        LastJwtClaims = claims;
        return Results.Ok(new { ok = true });
    });
}
