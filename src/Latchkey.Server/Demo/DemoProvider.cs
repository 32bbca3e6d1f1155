using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Latchkey.Server.Hosting;

namespace Latchkey.Server.Demo;

/// <summary>An answer of the demo provider, the same whether it went over HTTP or stayed in the process.</summary>
public sealed record DemoAnswer(int Status, JsonObject Body);

/// <summary>
/// The demo provider's behaviour, behind both its HTTP endpoints (what a browser and curl reach) and the in-process
/// route the server's own outbound calls take (<see cref="DemoRoute"/>). It keeps nothing of value: keys are checked
/// by shape only, tokens are random strings of a recognisable shape, authorization codes live ten minutes in memory.
/// </summary>
public sealed partial class DemoProvider(PublicUrls urls, TimeProvider time)
{
    public const string KeyPattern = "^demo_[A-Za-z0-9_]{8,64}$";
    public const string ClientId = "latchkey-demo";
    public const string ClientSecret = "latchkey-demo-secret";
    private static readonly TimeSpan CodeLifetime = TimeSpan.FromMinutes(10);

    private readonly ConcurrentDictionary<string, Grant> _codes = new(StringComparer.Ordinal);

    /// <summary><c>GET /api/me</c>: the made-up account behind a demo key or token.</summary>
    public static DemoAnswer Me(string? authorization)
    {
        var key = authorization?.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase) == true ? authorization[7..].Trim() : null;
        if (key is null || !KeyShape().IsMatch(key))
        {
            return new DemoAnswer(StatusCodes.Status401Unauthorized, new JsonObject
            {
                ["error"] = "invalid_key",
                ["message"] = "The demo provider accepts only made-up keys: demo_ and 8 to 64 letters, digits or underscores, e.g. demo_12345678.",
            });
        }

        var user = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(key)))[..8];
        return new DemoAnswer(StatusCodes.Status200OK, new JsonObject
        {
            ["id"] = "demo-user-" + user,
            ["name"] = "Demo user " + user,
            ["email"] = $"demo-{user}@example.com",
            ["note"] = "Made up by the demo provider built into Latchkey: nothing here is real.",
        });
    }

    /// <summary>Why an authorization request cannot be shown, or null. The redirect goes only to this server's callback.</summary>
    public string? Refusal(IReadOnlyDictionary<string, string> query)
    {
        if (query.GetValueOrDefault("response_type") != "code")
        {
            return "response_type must be code.";
        }

        if (query.GetValueOrDefault("client_id") != ClientId)
        {
            return $"client_id must be the demo client, {ClientId}.";
        }

        if (query.GetValueOrDefault("redirect_uri") != urls.Callback)
        {
            return $"redirect_uri must be this server's callback, {urls.Callback}.";
        }

        var method = query.GetValueOrDefault("code_challenge_method");
        return method is null or "S256" or "plain" ? null : "code_challenge_method must be S256 or plain.";
    }

    /// <summary>The callback URL the consent page sends the browser to: with a code when approved, access_denied otherwise.</summary>
    public string Decide(IReadOnlyDictionary<string, string> form, bool approved)
    {
        var state = form.GetValueOrDefault("state");
        var answer = new Dictionary<string, string?> { ["state"] = state };
        if (approved)
        {
            var code = "demo_code_" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16));
            Forget();
            _codes[code] = new Grant(form.GetValueOrDefault("code_challenge"), form.GetValueOrDefault("code_challenge_method") ?? "plain",
                form.GetValueOrDefault("scope") ?? "", time.GetUtcNow() + CodeLifetime);
            answer["code"] = code;
        }
        else
        {
            answer["error"] = "access_denied";
            answer["error_description"] = "The user denied access on the demo provider's consent page.";
        }

        return Microsoft.AspNetCore.WebUtilities.QueryHelpers.AddQueryString(urls.Callback, answer);
    }

    /// <summary><c>POST /oauth/token</c>: the authorization code (PKCE checked) and refresh token grants of RFC 6749.</summary>
    public DemoAnswer Token(IReadOnlyDictionary<string, string> form, string? authorization)
    {
        var (id, secret) = ClientOf(form, authorization);
        if (id != ClientId || secret != ClientSecret)
        {
            return Error(StatusCodes.Status401Unauthorized, "invalid_client", $"The demo client is {ClientId} with the secret {ClientSecret}.");
        }

        switch (form.GetValueOrDefault("grant_type"))
        {
            case "authorization_code":
                if (form.GetValueOrDefault("code") is not { } code || !_codes.TryRemove(code, out var grant) || grant.Expires < time.GetUtcNow())
                {
                    return Error(StatusCodes.Status400BadRequest, "invalid_grant", "The code is unknown, used or expired.");
                }

                if (form.GetValueOrDefault("redirect_uri") != urls.Callback || !grant.Verifies(form.GetValueOrDefault("code_verifier")))
                {
                    return Error(StatusCodes.Status400BadRequest, "invalid_grant", "redirect_uri or code_verifier does not match the authorization request.");
                }

                return Tokens(grant.Scope);
            case "refresh_token":
                return form.GetValueOrDefault("refresh_token") is { } refresh && RefreshShape().IsMatch(refresh)
                    ? Tokens("profile")
                    : Error(StatusCodes.Status400BadRequest, "invalid_grant", "The refresh token is not one the demo provider issued.");
            default:
                return Error(StatusCodes.Status400BadRequest, "unsupported_grant_type", "The demo provider supports authorization_code and refresh_token.");
        }
    }

    private static DemoAnswer Tokens(string scope) => new(StatusCodes.Status200OK, new JsonObject
    {
        ["access_token"] = "demo_at_" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16)),
        ["token_type"] = "Bearer",
        ["expires_in"] = 3600,
        ["refresh_token"] = "demo_rt_" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16)),
        ["scope"] = scope,
    });

    private static DemoAnswer Error(int status, string error, string description) =>
        new(status, new JsonObject { ["error"] = error, ["error_description"] = description });

    // RFC 6749 §2.3.1: in the body, or HTTP Basic with each part form-encoded.
    private static (string? Id, string? Secret) ClientOf(IReadOnlyDictionary<string, string> form, string? authorization)
    {
        if (authorization?.StartsWith("Basic ", StringComparison.OrdinalIgnoreCase) == true)
        {
            try
            {
                var pair = Encoding.UTF8.GetString(Convert.FromBase64String(authorization[6..].Trim())).Split(':', 2);
                return (Uri.UnescapeDataString(pair[0]), pair.Length > 1 ? Uri.UnescapeDataString(pair[1]) : null);
            }
            catch (FormatException)
            {
                return (null, null);
            }
        }

        return (form.GetValueOrDefault("client_id"), form.GetValueOrDefault("client_secret"));
    }

    private void Forget()
    {
        var now = time.GetUtcNow();
        foreach (var (code, grant) in _codes)
        {
            if (grant.Expires < now)
            {
                _codes.TryRemove(code, out _);
            }
        }
    }

    private sealed record Grant(string? Challenge, string Method, string Scope, DateTimeOffset Expires)
    {
        public bool Verifies(string? verifier) => Challenge is null || (verifier is not null && Method switch
        {
            "S256" => CryptographicOperations.FixedTimeEquals(
                Encoding.ASCII.GetBytes(Microsoft.AspNetCore.WebUtilities.Base64UrlTextEncoder.Encode(SHA256.HashData(Encoding.ASCII.GetBytes(verifier)))),
                Encoding.ASCII.GetBytes(Challenge)),
            _ => verifier == Challenge,
        });
    }

    [GeneratedRegex(KeyPattern)]
    private static partial Regex KeyShape();

    [GeneratedRegex("^demo_rt_[0-9a-f]{32}$")]
    private static partial Regex RefreshShape();
}
