using System.Text;
using System.Text.Json;
using CsCheck;

namespace Latchkey.Server.Tests.Fuzz;

/// <summary>Who a fuzzed request claims to be.</summary>
public enum FuzzCaller
{
    Nobody,
    SecretKey,
    SessionTokenHeader,
    SessionTokenQuery,
    PublicKeyQuery,
    GarbageAuthorization,
}

/// <summary>
/// One generated request before it is aimed at a route: the route is picked by index from the server's own endpoint
/// list, so a new route is fuzzed without a change here.
/// </summary>
public sealed record FuzzCase(
    int Endpoint,
    int MethodChoice,
    string[] PathValues,
    bool RawPath,
    (string Key, string Value, bool Raw)[] Query,
    FuzzCaller Caller,
    string? ContentType,
    byte[]? Body,
    (string Name, string Value)[] Headers)
{
    public override string ToString() =>
        $"endpoint #{Endpoint} method #{MethodChoice} path [{string.Join(", ", PathValues.Select(Short))}] raw={RawPath} " +
        $"query [{string.Join("&", Query.Select(q => $"{Short(q.Key)}={Short(q.Value)}{(q.Raw ? " (raw)" : "")}"))}] caller {Caller} " +
        $"content-type {ContentType ?? "(none)"} body {(Body is null ? "(none)" : Short(Encoding.UTF8.GetString(Body)))} " +
        $"headers [{string.Join(", ", Headers.Select(h => $"{h.Name}: {Short(h.Value)}"))}]";

    private static string Short(string text) => text.Length > 120 ? $"{text[..120]}… ({text.Length} chars)" : text;
}

/// <summary>The generators: hostile strings, JSON of every shape (wrong types, lone surrogates, deep nesting, huge), odd content types.</summary>
public static class FuzzInputs
{
    /// <summary>Strings that broke or could break parsers, validators, SQL, templates, regexes and URL builders.</summary>
    public static readonly string[] Hostile =
    [
        "", " ", "a", "0", "-1", "1", "99999999999999999999", "1e400", "NaN", "true", "null", "undefined", "[]", "{}",
        "\0", "a\0b", "\u0001\u001f", "\ud800", "\udfff", "x\ud83d", "é漢字🙂", "\u202e\u200b", "ÿ", "\uffff",
        "%", "%zz", "%00", "%ED%A0%80", "%C0%AF", "+", "&", "=", "?", "#", "/", "//", "\\", "..", "../../etc/passwd",
        "<script>alert(1)</script>", "' OR 1=1 --", "\"; DROP TABLE connections; --", "${connectionConfig.subdomain}",
        "{{x}}", "$(id)", "`id`", "*", "(a+)+$", "[", "^((a+)+)+$", "http://127.0.0.1:1/", "https://attacker.example/x?",
        "javascript:alert(1)", "file:///etc/passwd", "127.0.0.1:3113/steal?", "fake-apikey", "fake-oauth2", "fake-basic",
        "dev", "prod", "2025-01-01T00:00:00Z", "nango_connect_session_" + new string('0', 64), "sk_" + new string('a', 40),
        "00000000-0000-0000-0000-000000000000", new string('a', 256), new string('a', 5000), new string('é', 3000),
    ];

    public static readonly string[] QueryKeys =
    [
        "provider_config_key", "connection_id", "connect_session_token", "public_key", "hmac", "ws_client_id", "search",
        "limit", "cursor", "include", "force_refresh", "refresh_token", "integration", "outcome", "end_user_id", "tags",
        "state", "code", "error", "error_description", "returnUrl", "session_token", "params[subdomain]",
        "authorization_params[prompt]", "user_scope", "credentials", "oauth_token", "oauth_verifier", "installation_id",
        "setup_action", "page", "q", "done", "embedded", "apiKey",
    ];

    public static readonly string[] BodyKeys =
    [
        "provider", "unique_key", "display_name", "credentials", "type", "client_id", "client_secret", "scopes", "app_id",
        "app_link", "private_key", "webhook_secret", "end_user", "id", "email", "tags", "organization", "allowed_integrations",
        "integrations_config_defaults", "connection_config", "connection_id", "provider_config_key", "metadata", "token",
        "event", "timestamp", "dimensions", "apiKey", "username", "password", "api_key", "access_token", "refresh_token",
        "expires_at", "raw", "callback_url", "webhook_url", "send_auth_webhook", "secondary_url", "connect_ui",
        "allowed_origins", "webhooks", "user_scope", "authorization_params", "params", "overrides", "integration",
        "client_certificate", "client_private_key", "installation_id", "oauth_client_id_override", "connectionConfig",
    ];

    private static readonly string[] ContentTypes =
    [
        "application/json", "application/json; charset=utf-8", "application/json; charset=utf-16", "application/jsonx",
        "text/plain", "application/x-www-form-urlencoded", "multipart/form-data; boundary=xyz", "application/xml", "*/*",
        "application/json; boundary=\"", "}{",
    ];

    private static readonly string[] HeaderNames =
    [
        "Origin", "X-Forwarded-For", "X-Forwarded-Proto", "X-Forwarded-Host", "Accept", "Accept-Language", "Cookie",
        "Connection-Id", "Provider-Config-Key", "X-Nango-Signature", "X-HTTP-Method-Override", "Referer", "Range",
        "If-None-Match", "X-Requested-With", "Sec-WebSocket-Key", "Content-Encoding",
    ];

    public static Gen<string> HostileString { get; } = Gen.Frequency(
        (8, Gen.OneOf(Hostile)),
        (2, Gen.String),
        (1, Gen.Int[1, 200_000].Select(length => new string('a', length))));

    /// <summary>For paths and queries: rarely past Kestrel's 8 KiB request line (414 before any handler), usually not.</summary>
    public static Gen<string> UrlText { get; } = Gen.Frequency(
        (120, Gen.OneOf([.. Hostile.Where(text => text.Length <= 300)])),
        (30, Gen.String),
        (2, Gen.OneOf([.. Hostile.Where(text => text.Length > 300)])),
        (1, Gen.Int[8_000, 40_000].Select(length => new string('a', length))));

    private static Gen<string> HeaderSafe { get; } = HostileString.Select(text =>
        new string([.. text.Where(c => c is >= ' ' and <= '~').Take(8000)]));

    private static Gen<string> JsonKey { get; } = Gen.Frequency(
        (6, Gen.OneOf(BodyKeys).Select(Quote)),
        (2, HostileString.Select(Quote)),
        (1, Gen.OneOf("\"\\ud800\"", "\"\\udc00x\"", "\"\\u0000\"", "\"a\\\"b\"")));

    private static Gen<string> JsonScalar { get; } = Gen.Frequency(
        (5, HostileString.Select(Quote)),
        (2, Gen.OneOf("null", "true", "false", "0", "-0", "-1", "0.5", "1e400", "-1e400", "123456789012345678901234567890", "2147483648")),
        (1, Gen.OneOf("\"\\ud800\"", "\"abc\\udfff\"", "\"\\ud83d\\ude00\"", "\"\\u0000\"", "\"\\uDBFF\\uDBFF\"")),
        (1, Gen.Int.Select(number => number.ToString(System.Globalization.CultureInfo.InvariantCulture))));

    public static Gen<string> JsonValue(int depth) => depth == 0
        ? JsonScalar
        : Gen.Frequency((5, JsonScalar), (3, JsonObject(depth - 1)), (1, JsonArray(depth - 1)));

    private static Gen<string> JsonObject(int depth) =>
        Gen.Select(JsonKey, JsonValue(depth)).Array[0, 6].Select(members => "{" + string.Join(",", members.Select(m => m.Item1 + ":" + m.Item2)) + "}");

    private static Gen<string> JsonArray(int depth) =>
        JsonValue(depth).Array[0, 5].Select(items => "[" + string.Join(",", items) + "]");

    /// <summary>Bodies: JSON objects most of the time (so validators are reached), then everything a parser should refuse.</summary>
    public static Gen<byte[]?> Body { get; } = Gen.Frequency(
        (2, Gen.Const((byte[]?)null)),
        (8, JsonObject(3).Select(Utf8)),
        (1, JsonValue(2).Select(Utf8)),
        (1, Gen.Int[33, 20_000].Select(depth => Utf8(new string('[', depth) + new string(']', depth)))),
        (1, Gen.Int[33, 5_000].Select(depth => Utf8(string.Concat(Enumerable.Repeat("{\"a\":", depth)) + "1" + new string('}', depth)))),
        (1, Gen.OneOf("", " ", "{", "}", "nul", "{\"a\":}", "{}{}", "{\"a\":1,}", "{'a':1}", "\u0000", "[1,2", "{\"provider\":\"a\",\"provider\":\"b\"}").Select(Utf8)),
        (1, Gen.Byte.Array[0, 64].Select(bytes => (byte[]?)bytes)),
        (1, Gen.OneOf<byte[]?>([0xFF, 0xFE, (byte)'{', 0, (byte)'}', 0], [0xEF, 0xBB, 0xBF, (byte)'{', (byte)'}'], [(byte)'"', 0xED, 0xA0, 0x80, (byte)'"'], [(byte)'{', (byte)'"', 0xC0, 0xAF, (byte)'"', (byte)':', (byte)'1', (byte)'}'])),
        (1, Gen.Select(Gen.OneOf(QueryKeys), HostileString).Array[0, 4].Select(pairs => Utf8(string.Join("&", pairs.Select(p => p.Item1 + "=" + Uri.EscapeDataString(Clean(p.Item2))))))));

    public static Gen<FuzzCase> Cases { get; } =
        from endpoint in Gen.Int[0, 10_000]
        from method in Gen.Int[0, 20]
        from pathValues in UrlText.Array[3]
        from rawPath in Gen.Int[0, 9].Select(n => n == 0)
        from query in Gen.Select(Gen.Frequency((4, Gen.OneOf(QueryKeys)), (1, UrlText)), UrlText, Gen.Int[0, 7].Select(n => n == 0)).Array[0, 6]
        from caller in Gen.Enum<FuzzCaller>()
        from contentType in Gen.Frequency((6, Gen.Const<string?>("application/json")), (1, Gen.Const((string?)null)), (2, Gen.OneOf(ContentTypes).Select(t => (string?)t)))
        from body in Body
        from headers in Gen.Select(Gen.OneOf(HeaderNames), HeaderSafe).Array[0, 3]
        select new FuzzCase(endpoint, method, pathValues, rawPath, query, caller, contentType, body, headers);

    private static string Quote(string text) => JsonSerializer.Serialize(Clean(text));

    // .NET strings may hold lone surrogates, which no encoder writes; the generators add them as JSON escapes instead.
    public static string Clean(string text) => Encoding.UTF8.GetString(Encoding.UTF8.GetBytes(text));

    private static byte[]? Utf8(string text) => Encoding.UTF8.GetBytes(text);
}
