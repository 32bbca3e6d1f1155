using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;

namespace Latchkey.Client;

/// <summary>
/// A connection's credentials, typed by their <c>type</c>. Match on the subtype
/// (<see cref="OAuth2Credentials"/>, <see cref="ApiKeyCredentials"/>, <see cref="BasicCredentials"/>…); every field the
/// server sent, including ones this SDK does not model, is in <see cref="Json"/>. Never printed by <c>ToString()</c>.
/// </summary>
/// <param name="Json">The <c>credentials</c> object exactly as received.</param>
public abstract record ConnectionCredentials(JsonObject Json)
{
    /// <summary>The credential type (<c>OAUTH2</c>, <c>API_KEY</c>, <c>BASIC</c>…); empty for credential-less connections.</summary>
    public string Type => Json["type"] is JsonValue value && value.TryGetValue<string>(out var type) ? type : "";

    /// <summary>The type only; secrets are redacted.</summary>
    public sealed override string ToString() => $"{GetType().Name} {{ Type = {Type}, [redacted] }}";

    internal static ConnectionCredentials From(JsonObject json) => (json["type"] as JsonValue)?.GetValue<string>() switch
    {
        "OAUTH2" => new OAuth2Credentials(Text(json, "access_token") ?? "", Text(json, "refresh_token"), Date(json, "expires_at"), Object(json, "raw"), json),
        "OAUTH2_CC" => new OAuth2ClientCredentials(Text(json, "token") ?? "", Date(json, "expires_at"), Text(json, "client_id") ?? "", Object(json, "raw"), json),
        "OAUTH1" => new OAuth1Credentials(Text(json, "oauth_token") ?? "", Text(json, "oauth_token_secret") ?? "", Object(json, "raw"), json),
        "API_KEY" => new ApiKeyCredentials(Text(json, "apiKey") ?? "", json),
        "BASIC" => new BasicCredentials(Text(json, "username") ?? "", Text(json, "password") ?? "", json),
        null => new NoCredentials(json),
        _ => new OtherCredentials(json),
    };

    private static string? Text(JsonObject json, string name) =>
        json[name] is JsonValue value && value.TryGetValue<string>(out var text) ? text : null;

    private static JsonObject Object(JsonObject json, string name) => json[name] as JsonObject ?? [];

    private static DateTimeOffset? Date(JsonObject json, string name) =>
        Text(json, name) is { } text && DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var date) ? date : null;
}

/// <summary>OAuth 2 credentials (<c>OAUTH2</c>).</summary>
/// <param name="AccessToken">The access token to call the provider with.</param>
/// <param name="RefreshToken">The refresh token, only when asked for with <see cref="GetConnectionOptions.RefreshToken"/>.</param>
/// <param name="ExpiresAt">When the access token expires, if the provider said.</param>
/// <param name="Raw">The provider's token response as received.</param>
/// <param name="Json">The whole credentials object.</param>
public sealed record OAuth2Credentials(string AccessToken, string? RefreshToken, DateTimeOffset? ExpiresAt, JsonObject Raw, JsonObject Json)
    : ConnectionCredentials(Json);

/// <summary>OAuth 2 client-credentials grant (<c>OAUTH2_CC</c>).</summary>
/// <param name="Token">The access token.</param>
/// <param name="ExpiresAt">When it expires.</param>
/// <param name="ClientId">The client id it was obtained with (the secret is in <see cref="ConnectionCredentials.Json"/>).</param>
/// <param name="Raw">The provider's token response.</param>
/// <param name="Json">The whole credentials object.</param>
public sealed record OAuth2ClientCredentials(string Token, DateTimeOffset? ExpiresAt, string ClientId, JsonObject Raw, JsonObject Json)
    : ConnectionCredentials(Json);

/// <summary>OAuth 1.0a credentials (<c>OAUTH1</c>).</summary>
/// <param name="OAuthToken">The token.</param>
/// <param name="OAuthTokenSecret">The token secret.</param>
/// <param name="Raw">The provider's token response.</param>
/// <param name="Json">The whole credentials object.</param>
public sealed record OAuth1Credentials(string OAuthToken, string OAuthTokenSecret, JsonObject Raw, JsonObject Json)
    : ConnectionCredentials(Json);

/// <summary>An API key (<c>API_KEY</c>).</summary>
/// <param name="ApiKey">The key.</param>
/// <param name="Json">The whole credentials object.</param>
public sealed record ApiKeyCredentials(string ApiKey, JsonObject Json) : ConnectionCredentials(Json);

/// <summary>A user name and password (<c>BASIC</c>).</summary>
/// <param name="Username">The user name.</param>
/// <param name="Password">The password.</param>
/// <param name="Json">The whole credentials object.</param>
public sealed record BasicCredentials(string Username, string Password, JsonObject Json) : ConnectionCredentials(Json);

/// <summary>A connection without credentials (auth mode <c>NONE</c>): the server answers <c>{}</c>.</summary>
/// <param name="Json">The (empty) credentials object.</param>
public sealed record NoCredentials(JsonObject Json) : ConnectionCredentials(Json);

/// <summary>Any other type (<c>TBA</c>, <c>APP</c>, <c>CUSTOM</c>, <c>JWT</c>…): read its fields from <see cref="ConnectionCredentials.Json"/>.</summary>
/// <param name="Json">The whole credentials object.</param>
public sealed record OtherCredentials(JsonObject Json) : ConnectionCredentials(Json);

/// <summary>Reads the <c>credentials</c> object into its typed shape, keeping the object itself.</summary>
internal sealed class CredentialsJsonConverter : JsonConverter<ConnectionCredentials>
{
    public override ConnectionCredentials Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) =>
        ConnectionCredentials.From(JsonNode.Parse(ref reader) as JsonObject ?? []);

    public override void Write(Utf8JsonWriter writer, ConnectionCredentials value, JsonSerializerOptions options) =>
        value.Json.WriteTo(writer, options);
}
