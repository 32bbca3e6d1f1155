using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Latchkey.Server.Hosting;
using Latchkey.Server.Providers;

namespace Latchkey.Server.Tokens;

/// <summary>Turns token-endpoint answers into the stored credentials of spec §4.6 / §5.5.2 / §5.5.3.</summary>
public static class TokenResponse
{
    /// <summary>OAUTH2 credentials, or null when the answer has no access token.</summary>
    /// <param name="provider">Where the token lives (<c>alternate_access_token_response_path</c>).</param>
    /// <param name="body">The token endpoint's JSON.</param>
    /// <param name="now">The time the answer arrived.</param>
    /// <param name="previousRefreshToken">Kept when a refresh answer carries no new one.</param>
    public static (JsonObject Credentials, DateTimeOffset? ExpiresAt)? OAuth2(Provider provider, JsonObject body, DateTimeOffset now, string? previousRefreshToken = null)
    {
        // The alternate path is a fallback for answers without a top-level token, never a replacement for one that has
        // it: Slack's oauth.v2.access puts the bot token at the top and a user token under authed_user, so a path to
        // authed_user must only be used when no bot token was granted (https://api.slack.com/authentication/oauth-v2).
        var source = body;
        if (string.IsNullOrEmpty(body.GetString("access_token")) &&
            provider.GetString("alternate_access_token_response_path") is { } path && body.AtPath(path) is { } alternate)
        {
            if (alternate is JsonObject nested)
            {
                source = nested;
            }
            else if (alternate is JsonValue value && value.GetValueKind() == JsonValueKind.String)
            {
                source = new JsonObject { ["access_token"] = value.GetValue<string>() };
            }
        }

        var accessToken = source.GetString("access_token");
        if (string.IsNullOrEmpty(accessToken))
        {
            return null;
        }

        var expiresAt = ExpiresAt(source, now, expiresInMilliseconds: false);
        var credentials = new JsonObject
        {
            ["type"] = AuthModes.OAuth2,
            ["access_token"] = accessToken,
            ["refresh_token"] = source.GetString("refresh_token") ?? previousRefreshToken,
            ["expires_at"] = expiresAt is { } at ? Timestamps.Format(at) : null,
            ["raw"] = body.DeepClone(),
        };
        if (credentials["refresh_token"] is null)
        {
            credentials.Remove("refresh_token");
        }

        if (credentials["expires_at"] is null)
        {
            credentials.Remove("expires_at");
        }

        return (credentials, expiresAt);
    }

    /// <summary>OAUTH2_CC credentials; the token may be at <c>access_token</c>, <c>data.token</c> or <c>jwt</c>.</summary>
    public static (JsonObject Credentials, DateTimeOffset ExpiresAt)? ClientCredentials(Provider provider, JsonObject body, DateTimeOffset now, TokenClient client)
    {
        var token = body.GetString("access_token") ?? (body.AtPath("data.token") as JsonValue)?.ToString() ?? body.GetString("jwt");
        if (string.IsNullOrEmpty(token))
        {
            return null;
        }

        var inMilliseconds = provider.GetString("expires_in_unit") == "milliseconds";
        var expiresAt = ExpiresAt(body, now, inMilliseconds) ?? now.AddMinutes(55); // spec §5.5.3 default
        var credentials = new JsonObject
        {
            ["type"] = AuthModes.OAuth2ClientCredentials,
            ["token"] = token,
            ["expires_at"] = Timestamps.Format(expiresAt),
        };
        client.WriteTo(credentials);
        credentials["raw"] = body.DeepClone();
        return (credentials, expiresAt);
    }

    /// <summary>Token-response fields copied into the connection config (<c>token_response_metadata</c>, dot paths allowed).</summary>
    public static void CopyMetadata(Provider provider, string key, JsonObject body, JsonObject config)
    {
        foreach (var path in provider.Definition.GetStringList(key))
        {
            if (body.AtPath(path) is JsonValue value && value.GetValueKind() is JsonValueKind.String or JsonValueKind.True or JsonValueKind.False or JsonValueKind.Number)
            {
                config[path] = value.DeepClone();
            }
        }
    }

    /// <summary>The token's lifetime as the provider stated it, if it did.</summary>
    public static TimeSpan? StatedLifetime(JsonObject credentials) =>
        credentials["raw"] is JsonObject raw && Seconds(raw["expires_in"]) is { } seconds ? TimeSpan.FromSeconds(seconds) : null;

    private static DateTimeOffset? ExpiresAt(JsonObject body, DateTimeOffset now, bool expiresInMilliseconds)
    {
        if (body["expires_at"] is JsonValue at)
        {
            if (at.GetValueKind() == JsonValueKind.Number && at.TryGetValue<double>(out var number))
            {
                // A full millisecond timestamp, or seconds.
                return number > 100_000_000_000 ? DateTimeOffset.FromUnixTimeMilliseconds((long)number) : DateTimeOffset.FromUnixTimeSeconds((long)number);
            }

            if (at.GetValueKind() == JsonValueKind.String &&
                DateTimeOffset.TryParse(at.GetValue<string>(), CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var parsed))
            {
                return parsed.ToUniversalTime();
            }
        }

        return Seconds(body["expires_in"]) is { } amount
            ? now + (expiresInMilliseconds ? TimeSpan.FromMilliseconds(amount) : TimeSpan.FromSeconds(amount))
            : null;
    }

    // expires_in arrives as a number or as a string of digits, depending on the provider.
    private static double? Seconds(JsonNode? node) => node switch
    {
        JsonValue value when value.GetValueKind() == JsonValueKind.Number => value.GetValue<double>(),
        JsonValue value when value.GetValueKind() == JsonValueKind.String &&
            double.TryParse(value.GetValue<string>(), NumberStyles.Float, CultureInfo.InvariantCulture, out var parsed) => parsed,
        _ => null,
    };
}
