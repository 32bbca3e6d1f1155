using System.Collections.Concurrent;
using System.Globalization;
using System.Net;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace Latchkey.TestKit;

/// <summary>
/// The providers whose credential is a signature or a session: a NetSuite-like API that checks each request's TBA
/// signature (OAuth 1.0, HMAC-SHA256, realm = account id), a BILL-like login that opens sessions and an endpoint that
/// accepts only the latest one, and an Emarsys-like API that checks an X-WSSE header and refuses a replayed nonce.
/// Each check is written here from the providers' descriptions, not with the server's own code.
/// </summary>
public sealed partial class FakeProvider
{
    public const string TbaTokenId = "fake-tba-token-id";
    public const string TbaTokenSecret = "fake-tba-token-secret-0b7e";
    public const string BillUsername = "ap@acme.example";
    public const string BillPassword = "bill-password-4d2a";
    public const string BillOrganizationId = "00801ABCDEF";
    public const string BillDevKey = "bill-dev-key-19c3";
    public const string WsseUsername = "acme_api001";
    public const string WsseSecret = "wsse-secret-88f0";

    private readonly ConcurrentDictionary<string, bool> _wsseNonces = new();
    private int _tbaCalls;
    private int _billLogins;
    private int _wsseCalls;

    public int TbaCalls => _tbaCalls;

    public int BillLogins => _billLogins;

    public int WsseCalls => _wsseCalls;

    /// <summary>The realm of the last TBA request whose signature held.</summary>
    public string? LastTbaRealm { get; private set; }

    public string? CurrentBillSessionOrNull { get; private set; }

    private void MapSigned(WebApplication app)
    {
        app.MapGet("/netsuite/{account}/services/rest/record/v1/account", (string account, HttpRequest request) =>
        {
            Interlocked.Increment(ref _tbaCalls);
            var oauth = ParseOAuthHeader(request.Headers.Authorization.ToString());
            var realm = account.Replace('-', '_').ToUpperInvariant(); // NetSuite's spelling: 1234567_SB1
            var valid = string.Equals(oauth.GetValueOrDefault("realm"), realm, StringComparison.Ordinal)
                && oauth.GetValueOrDefault("oauth_consumer_key") == ClientId
                && oauth.GetValueOrDefault("oauth_token") == TbaTokenId
                && oauth.GetValueOrDefault("oauth_signature_method") == "HMAC-SHA256"
                && oauth.GetValueOrDefault("oauth_signature") == TbaSignature(request, oauth);
            if (!valid)
            {
                return Results.StatusCode((int)HttpStatusCode.Unauthorized);
            }

            LastTbaRealm = oauth["realm"];
            return Results.Json(new { items = Array.Empty<object>() });
        });

        app.MapPost("/bill/v3/login", async (HttpRequest request) =>
        {
            var body = await JsonNode.ParseAsync(request.Body) as JsonObject;
            if (body?["username"]?.ToString() != BillUsername || body["password"]?.ToString() != BillPassword
                || body["organizationId"]?.ToString() != BillOrganizationId || body["devKey"]?.ToString() != BillDevKey)
            {
                return Results.Json(new[] { new { code = "BDC_1109", message = "Invalid user name or password." } }, statusCode: (int)HttpStatusCode.Unauthorized);
            }

            Interlocked.Increment(ref _billLogins);
            CurrentBillSessionOrNull = Secret("bill-session");
            return Results.Json(new { sessionId = CurrentBillSessionOrNull, organizationId = BillOrganizationId, userId = "00601USER", trusted = false });
        });
        app.MapGet("/bill/v3/login/session", (HttpRequest request) =>
            request.Headers["devKey"] == BillDevKey && request.Headers["sessionId"] == CurrentBillSessionOrNull
                ? Results.Json(new { organizationId = BillOrganizationId })
                : Results.StatusCode((int)HttpStatusCode.Unauthorized));

        app.MapGet("/wsse/api/v2/settings", (HttpRequest request) =>
        {
            Interlocked.Increment(ref _wsseCalls);
            return WsseValid(request.Headers["X-WSSE"].ToString()) ? Results.Json(new { data = new { id = 1 } }) : Results.StatusCode((int)HttpStatusCode.Unauthorized);
        });
    }

    // RFC 5849 §3.4 with HMAC-SHA256, the key being consumer secret & token secret; the realm is not signed.
    private static string TbaSignature(HttpRequest request, Dictionary<string, string> oauth)
    {
        static string Pct(string s) => Uri.EscapeDataString(s);
        var all = oauth.Where(p => p.Key is not ("oauth_signature" or "realm")).Select(p => (p.Key, p.Value)).ToList();
        all.AddRange(request.Query.SelectMany(p => p.Value.Select(v => (p.Key, v ?? ""))));
        var normalized = string.Join("&", all.Select(p => (K: Pct(p.Key), V: Pct(p.Item2))).OrderBy(p => p.K, StringComparer.Ordinal).ThenBy(p => p.V, StringComparer.Ordinal).Select(p => p.K + "=" + p.V));
        var url = $"{request.Scheme}://{request.Host.Value!.ToLowerInvariant()}{request.Path}";
        var baseString = $"{request.Method}&{Pct(url)}&{Pct(normalized)}";
        var key = $"{Pct(ClientSecret)}&{Pct(TbaTokenSecret)}";
        return Convert.ToBase64String(HMACSHA256.HashData(Encoding.ASCII.GetBytes(key), Encoding.ASCII.GetBytes(baseString)));
    }

    private static Dictionary<string, string> ParseOAuthHeader(string header) =>
        header.StartsWith("OAuth ", StringComparison.Ordinal)
            ? Regex.Matches(header, "([a-z_]+)=\"([^\"]*)\"").ToDictionary(m => m.Groups[1].Value, m => Uri.UnescapeDataString(m.Groups[2].Value))
            : [];

    // UsernameToken Username, PasswordDigest = base64(hex(sha1(nonce + created + secret))), Created within 5 minutes,
    // and a nonce is good once.
    private bool WsseValid(string header)
    {
        var fields = Regex.Matches(header, "([A-Za-z]+)=\"([^\"]*)\"").ToDictionary(m => m.Groups[1].Value, m => m.Groups[2].Value);
        if (!header.StartsWith("UsernameToken ", StringComparison.Ordinal) || fields.GetValueOrDefault("Username") != WsseUsername
            || !fields.TryGetValue("Nonce", out var nonce) || !fields.TryGetValue("Created", out var created)
            || !DateTimeOffset.TryParse(created, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var at)
            || (DateTimeOffset.UtcNow - at).Duration() > TimeSpan.FromMinutes(5))
        {
            return false;
        }

#pragma warning disable CA5350 // the digest WSSE defines
        var expected = Convert.ToBase64String(Encoding.ASCII.GetBytes(Convert.ToHexStringLower(SHA1.HashData(Encoding.UTF8.GetBytes(nonce + created + WsseSecret)))));
#pragma warning restore CA5350
        return fields.GetValueOrDefault("PasswordDigest") == expected && _wsseNonces.TryAdd(nonce, true);
    }
}
