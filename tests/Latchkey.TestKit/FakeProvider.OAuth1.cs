using System.Collections.Concurrent;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.WebUtilities;

namespace Latchkey.TestKit;

/// <summary>
/// The fake's OAuth 1.0a server (RFC 5849): request token, authorize (approves at once), access token. It checks
/// every HMAC-SHA1 signature with its own implementation, independent of the server's signer.
/// </summary>
public sealed partial class FakeProvider
{
    private readonly ConcurrentDictionary<string, (string Secret, string Callback, string Verifier)> _requestTokens = new();
    private int _oauth1Exchanges;

    public int OAuth1Exchanges => _oauth1Exchanges;

    private void MapOAuth1(WebApplication app)
    {
        app.MapPost("/oauth1/request_token", (HttpRequest request) =>
        {
            var oauth = AuthorizationParameters(request);
            if (!SignatureValid(request, oauth, tokenSecret: null) || oauth.GetValueOrDefault("oauth_consumer_key") != ClientId)
            {
                return Results.Text("oauth_problem=signature_invalid", statusCode: 401);
            }

            var token = Secret("rqt");
            var secret = Secret("rqs");
            _requestTokens[token] = (secret, oauth["oauth_callback"], Secret("ver"));
            return Results.Text($"oauth_token={token}&oauth_token_secret={secret}&oauth_callback_confirmed=true", "application/x-www-form-urlencoded");
        });

        app.MapGet("/oauth1/authorize", (HttpRequest request) =>
        {
            var token = request.Query["oauth_token"].ToString();
            if (!_requestTokens.TryGetValue(token, out var pending))
            {
                return Results.BadRequest("unknown request token");
            }

            return DenyConsent
                ? Results.Redirect(QueryHelpers.AddQueryString(pending.Callback, "denied", token))
                : Results.Redirect(QueryHelpers.AddQueryString(pending.Callback, new Dictionary<string, string?> { ["oauth_token"] = token, ["oauth_verifier"] = pending.Verifier }));
        });

        app.MapPost("/oauth1/access_token", (HttpRequest request) =>
        {
            Interlocked.Increment(ref _oauth1Exchanges);
            var oauth = AuthorizationParameters(request);
            var token = oauth.GetValueOrDefault("oauth_token") ?? "";
            if (!_requestTokens.TryRemove(token, out var pending) || oauth.GetValueOrDefault("oauth_verifier") != pending.Verifier
                || !SignatureValid(request, oauth, pending.Secret))
            {
                return Results.Text("oauth_problem=token_rejected", statusCode: 401);
            }

            return Results.Text($"oauth_token={Secret("oat")}&oauth_token_secret={Secret("oas")}&user_id=42&screen_name=ada", "application/x-www-form-urlencoded");
        });
    }

    private static Dictionary<string, string> AuthorizationParameters(HttpRequest request)
    {
        var header = request.Headers.Authorization.ToString();
        var result = new Dictionary<string, string>(StringComparer.Ordinal);
        if (!header.StartsWith("OAuth ", StringComparison.Ordinal))
        {
            return result;
        }

        foreach (var part in header[6..].Split(','))
        {
            var pieces = part.Trim().Split('=', 2);
            if (pieces.Length == 2)
            {
                result[Uri.UnescapeDataString(pieces[0])] = Uri.UnescapeDataString(pieces[1].Trim('"'));
            }
        }

        return result;
    }

    // RFC 5849 §3.4.1, written again here so the fake does not trust the server's own signer.
    private static bool SignatureValid(HttpRequest request, Dictionary<string, string> oauth, string? tokenSecret)
    {
        var all = oauth.Where(p => p.Key != "oauth_signature").Select(p => (p.Key, p.Value)).ToList();
        all.AddRange(request.Query.SelectMany(p => p.Value.Select(v => (p.Key, v ?? ""))));
        if (request.HasFormContentType)
        {
            all.AddRange(request.Form.SelectMany(p => p.Value.Select(v => (p.Key, v ?? ""))));
        }

        static string Pct(string s) => Uri.EscapeDataString(s);
        var normalized = string.Join("&", all.Select(p => (K: Pct(p.Key), V: Pct(p.Item2))).OrderBy(p => p.K, StringComparer.Ordinal).ThenBy(p => p.V, StringComparer.Ordinal).Select(p => p.K + "=" + p.V));
        var url = $"{request.Scheme}://{request.Host.Value!.ToLowerInvariant()}{request.Path}";
        var baseString = $"{request.Method}&{Pct(url)}&{Pct(normalized)}";
        var key = $"{Pct(ClientSecret)}&{Pct(tokenSecret ?? "")}";
#pragma warning disable CA5350 // the fake speaks OAuth 1's HMAC-SHA1
        var expected = Convert.ToBase64String(HMACSHA1.HashData(Encoding.ASCII.GetBytes(key), Encoding.ASCII.GetBytes(baseString)));
#pragma warning restore CA5350
        return oauth.GetValueOrDefault("oauth_signature") == expected
            && long.TryParse(oauth.GetValueOrDefault("oauth_timestamp"), NumberStyles.None, CultureInfo.InvariantCulture, out _);
    }
}
