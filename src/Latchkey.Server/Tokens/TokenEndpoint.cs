using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Latchkey.Server.Outbound;
using Latchkey.Server.Providers;
using Microsoft.AspNetCore.WebUtilities;

namespace Latchkey.Server.Tokens;

/// <summary>The answer of a token endpoint: its JSON (or form) body, or why there is none. Never prints tokens.</summary>
public sealed record TokenAnswer(JsonObject? Body, int Status, string? Error, string? ErrorDescription)
{
    public bool Succeeded => Body is not null && Error is null;

    public string Describe() => Error is null ? $"HTTP {Status}" : $"{Error}{(ErrorDescription is null ? "" : $": {ErrorDescription}")} (HTTP {Status})";

    public override string ToString() => $"TokenAnswer {{ {Describe()} [body redacted] }}";
}

/// <summary>
/// Sends one request to a provider's token endpoint, with the client authentication and body format its catalog
/// entry asks for (spec §5.5). It is never retried: a refresh-token POST whose answer was lost may already have
/// rotated the refresh token, and sending the old one again would burn the grant.
/// </summary>
public sealed class TokenEndpoint(IHttpClientFactory httpClients, ILogger<TokenEndpoint> logger)
{
    public async Task<TokenAnswer> RequestAsync(
        Provider provider, Uri tokenUrl, IReadOnlyDictionary<string, string> parameters, string clientId, string clientSecret, CancellationToken cancellationToken)
    {
        using var request = Build(provider, tokenUrl, parameters, clientId, clientSecret);
        try
        {
            using var response = await httpClients.CreateClient(OutboundFeature.ClientName).SendAsync(request, cancellationToken);
            var text = await response.Content.ReadAsStringAsync(cancellationToken);
            var body = Parse(text, response.Content.Headers.ContentType?.MediaType);
            var status = (int)response.StatusCode;
            var error = body?.GetString("error");
            if (!response.IsSuccessStatusCode || error is not null || body is null)
            {
                logger.LogInformation("Token endpoint of {Provider} answered HTTP {Status} {Error}", provider.Name, status, error ?? "");
                return new TokenAnswer(null, status, error ?? (body is null ? "unreadable_response" : "http_error"), Truncate(body?.GetString("error_description")));
            }

            return new TokenAnswer(body, status, null, null);
        }
        catch (Exception exception) when (exception is HttpRequestException or TaskCanceledException && !cancellationToken.IsCancellationRequested)
        {
            var reason = OutboundFailure.Describe(exception);
            logger.LogWarning("Token endpoint of {Provider} could not be reached: {Reason}", provider.Name, reason);
            return new TokenAnswer(null, 0, "unreachable", reason);
        }
    }

    private static HttpRequestMessage Build(Provider provider, Uri tokenUrl, IReadOnlyDictionary<string, string> parameters, string clientId, string clientSecret)
    {
        var body = new Dictionary<string, string>(parameters, StringComparer.Ordinal);
        var request = new HttpRequestMessage(HttpMethod.Post, tokenUrl);
        request.Headers.Accept.ParseAdd(ProviderQuirks.TokenAccept);

        // RFC 6749 §2.3.1: HTTP Basic with form-encoded id and secret; the catalog's `authorization_method: header`.
        if (provider.GetString("authorization_method") == "header")
        {
            var pair = $"{FormEncoding.Encode(clientId)}:{FormEncoding.Encode(clientSecret)}";
            request.Headers.Authorization = new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes(pair)));
        }
        else
        {
            body.TryAdd("client_id", clientId);
            if (clientSecret.Length > 0)
            {
                body.TryAdd("client_secret", clientSecret); // a public client (RFC 6749 §2.1, PKCE) has none to send
            }

            if (provider.GetString("token_request_auth_method") == "basic")
            {
                // Providers that insist on Basic (raw id:secret) while also tolerating the body copy (spec §5.5.1).
                request.Headers.Authorization = new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes($"{clientId}:{clientSecret}")));
            }
        }

        switch (provider.GetString("body_format"))
        {
            case "json":
                request.Content = new StringContent(JsonSerializer.Serialize(body), Encoding.UTF8, "application/json");
                break;
            case "query":
                request.RequestUri = new Uri(QueryHelpers.AddQueryString(tokenUrl.ToString(), body!));
                break;
            default:
                request.Content = new FormUrlEncodedContent(body);
                break;
        }

        return request;
    }

    private static JsonObject? Parse(string text, string? mediaType)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            return null;
        }

        try
        {
            if (JsonNode.Parse(text) is JsonObject json)
            {
                return json;
            }
        }
        catch (JsonException)
        {
            // Some providers answer in form encoding (OAuth 1, older OAuth 2 endpoints).
        }

        if (mediaType is null or "application/x-www-form-urlencoded" or "text/plain" or "text/html")
        {
            var form = QueryHelpers.ParseQuery(text);
            if (form.Count > 0 && form.Keys.All(key => key.Length < 100))
            {
                return new JsonObject(form.Select(pair => KeyValuePair.Create(pair.Key, (JsonNode?)pair.Value.ToString())));
            }
        }

        return null;
    }

    private static string? Truncate(string? text) => text is { Length: > 300 } ? text[..300] : text;
}
