using System.Security.Cryptography;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;
using Latchkey.Server.Connections;

namespace Latchkey.Server.Webhooks;

/// <summary>
/// The body and signatures of an auth webhook. The body is JSON with keys sorted at every level (spec §7.2); all
/// three signatures are computed over its exact bytes:
/// <c>X-Nango-Signature</c> = hex(SHA256(key + body)) (legacy), <c>X-Nango-Hmac-Sha256</c> = hex(HMAC-SHA256(key, body)),
/// <c>X-Latchkey-Signature</c> = <c>v1=</c>hex(HMAC-SHA256(key, eventId + "." + timestamp + "." + body)).
/// </summary>
public static class WebhookPayload
{
    public const string NangoSignatureHeader = "X-Nango-Signature";
    public const string NangoHmacHeader = "X-Nango-Hmac-Sha256";
    public const string EventIdHeader = "X-Latchkey-Event-Id";
    public const string TimestampHeader = "X-Latchkey-Timestamp";
    public const string SignatureHeader = "X-Latchkey-Signature";

    // Like JavaScript's JSON.stringify: no escaping of non-ASCII or HTML characters beyond what JSON requires.
    private static readonly JsonSerializerOptions Writer = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    public static string Build(ConnectionEvent e, string environmentName)
    {
        var body = new JsonObject
        {
            ["from"] = "nango",
            ["type"] = "auth",
            ["connectionId"] = e.ConnectionId,
            ["providerConfigKey"] = e.IntegrationKey,
            ["authMode"] = e.AuthMode,
            ["provider"] = string.IsNullOrEmpty(e.Provider) ? "unknown" : e.Provider,
            ["environment"] = environmentName,
            ["operation"] = e.Operation,
            ["success"] = e.Success,
        };
        if (e.Tags is not null)
        {
            body["tags"] = ToObject(e.Tags);
        }

        if (e.EndUser is { } endUser)
        {
            var user = new JsonObject
            {
                ["endUserId"] = endUser.Id,
                ["endUserEmail"] = endUser.Email,
                ["tags"] = ToObject(endUser.Tags ?? new Dictionary<string, string>()),
            };
            if (endUser.OrganizationId is not null)
            {
                user["organizationId"] = endUser.OrganizationId;
            }

            body["endUser"] = user;
        }

        if (!e.Success)
        {
            body["error"] = new JsonObject { ["type"] = e.ErrorType ?? "unknown", ["description"] = e.ErrorDescription ?? "" };
        }

        return Sorted(body)!.ToJsonString(Writer);
    }

    public static string LegacySignature(string key, string body) =>
        Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(key + body)));

    public static string Hmac(string key, string body) =>
        Convert.ToHexStringLower(HMACSHA256.HashData(Encoding.UTF8.GetBytes(key), Encoding.UTF8.GetBytes(body)));

    public static string Signature(string key, string eventId, long timestamp, string body) =>
        "v1=" + Hmac(key, $"{eventId}.{timestamp.ToString(System.Globalization.CultureInfo.InvariantCulture)}.{body}");

    private static JsonObject ToObject(IReadOnlyDictionary<string, string> values)
    {
        var result = new JsonObject();
        foreach (var (key, value) in values)
        {
            result[key] = value;
        }

        return result;
    }

    private static JsonNode? Sorted(JsonNode? node) => node switch
    {
        JsonObject obj => new JsonObject(obj.OrderBy(p => p.Key, StringComparer.Ordinal)
            .Select(p => KeyValuePair.Create(p.Key, Sorted(p.Value)))),
        JsonArray array => new JsonArray(array.Select(Sorted).ToArray()),
        null => null,
        _ => node.DeepClone(),
    };
}
