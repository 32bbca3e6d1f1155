using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace Latchkey.Client.Tests;

/// <summary>Signs a delivery exactly as spec §7 (Latchkey's headers) says the server does, independently of the verifier.</summary>
internal static class WebhookSender
{
    public const string Body =
        """{"authMode":"API_KEY","connectionId":"4c1e5f0e-1b2c-4d5e-8f90-a1b2c3d4e5f6","endUser":{"endUserEmail":"ada@example.com","endUserId":"u_42","organizationId":"org_1","tags":{}},"environment":"dev","from":"nango","operation":"creation","provider":"fake-apikey","providerConfigKey":"fake-apikey","success":true,"tags":{"end_user_id":"u_42"},"type":"auth"}""";

    public static Dictionary<string, string> Headers(string key, string body, DateTimeOffset sentAt, string? eventId = null)
    {
        eventId ??= Guid.NewGuid().ToString();
        var timestamp = sentAt.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture);
        var keyBytes = Encoding.UTF8.GetBytes(key);
        return new Dictionary<string, string>
        {
            ["Content-Type"] = "application/json",
            ["X-Nango-Signature"] = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(key + body))),
            ["X-Nango-Hmac-Sha256"] = Convert.ToHexStringLower(HMACSHA256.HashData(keyBytes, Encoding.UTF8.GetBytes(body))),
            ["X-Latchkey-Event-Id"] = eventId,
            ["X-Latchkey-Timestamp"] = timestamp,
            ["X-Latchkey-Signature"] = "v1=" + Convert.ToHexStringLower(HMACSHA256.HashData(keyBytes, Encoding.UTF8.GetBytes($"{eventId}.{timestamp}.{body}"))),
        };
    }
}
