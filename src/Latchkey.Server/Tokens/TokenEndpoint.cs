using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Latchkey.Server.Hosting;
using Latchkey.Server.Outbound;
using Latchkey.Server.Providers;
using Microsoft.AspNetCore.WebUtilities;

namespace Latchkey.Server.Tokens;

/// <summary>The answer of a token endpoint: its JSON (or form) body, or why there is none. Never prints tokens.</summary>
public sealed record TokenAnswer(JsonObject? Body, int Status, string? Error, string? ErrorDescription)
{
    public bool Succeeded => Body is not null && Error is null;

    public string Describe() => Error is null ? $"HTTP {Status}" : $"{Error}{(ErrorDescription is null ? "" : $": {ErrorDescription}")} (HTTP {Status})";

    /// <summary>
    /// The error of an answer that is no verdict (the endpoint could not be reached, or failed on its side without an
    /// OAuth error code), or null when the provider did judge the request.
    /// </summary>
    /// <param name="providerName">The provider's display name.</param>
    /// <param name="task">What was asked of it, completing "to …": "exchange the authorization code".</param>
    public ApiError? FaultFor(string providerName, string task) => Error switch
    {
        Unreachable => ProviderFaults.Unreachable(providerName, task, ErrorDescription ?? "no answer"),
        HttpError or UnreadableResponse when ProviderFaults.IsProviderFailure(Status) => ProviderFaults.Failed(providerName, task, Status),
        _ => null,
    };

    internal const string Unreachable = "unreachable";
    internal const string HttpError = "http_error";
    internal const string UnreadableResponse = "unreadable_response";

    public override string ToString() => $"TokenAnswer {{ {Describe()} [body redacted] }}";
}

/// <summary>
/// Sends one request to a provider's token endpoint, with the client authentication, headers and body format its
/// catalog entry asks for (spec §5.5), over mutual TLS when the client has a certificate. It is never retried: a
/// refresh-token POST whose answer was lost may already have rotated the refresh token, and sending the old one again
/// would burn the grant.
/// </summary>
public sealed class TokenEndpoint(IHttpClientFactory httpClients, ClientCertificateClients certificateClients, TimeProvider clock, ILogger<TokenEndpoint> logger)
{
    /// <param name="provider">The catalog entry.</param>
    /// <param name="tokenUrl">The rendered token (or refresh) URL.</param>
    /// <param name="parameters">The grant's parameters; client authentication is added here.</param>
    /// <param name="client">Who authenticates.</param>
    /// <param name="connectionConfig">For <c>token_headers</c> templates.</param>
    /// <param name="cancellationToken">Cancels the request.</param>
    public async Task<TokenAnswer> RequestAsync(
        Provider provider, Uri tokenUrl, IReadOnlyDictionary<string, string> parameters, TokenClient client, JsonObject connectionConfig, CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow();
        var headers = TokenHeaders.Render(provider, client.AddTo(TemplateValues.Of(connectionConfig)), now);
        if (headers is null)
        {
            return Unsent("missing_token_header_values", "the provider's token_headers need connection settings that were not given");
        }

        HttpRequestMessage request;
        try
        {
            request = Build(provider, tokenUrl, parameters, client, now);
        }
        catch (CryptographicException)
        {
            return Unsent("invalid_client_private_key", "the client's private key could not sign the client assertion");
        }

        using (request)
        {
            TokenHeaders.Apply(request, headers);
            if (client.Certificate is null)
            {
                return await SendAsync(provider, httpClients.CreateClient(OutboundFeature.ClientName), request, cancellationToken);
            }

            using var certificate = ClientCertificate.Load(client.Certificate, client.PrivateKey ?? "");
            if (certificate is null)
            {
                return Unsent("invalid_client_certificate", "the client certificate and private key are not a readable PEM pair");
            }

            using var http = certificateClients.Create(certificate);
            return await SendAsync(provider, http, request, cancellationToken);
        }
    }

    private async Task<TokenAnswer> SendAsync(Provider provider, HttpClient http, HttpRequestMessage request, CancellationToken cancellationToken)
    {
        try
        {
            using var response = await http.SendAsync(request, cancellationToken);
            var text = await response.Content.ReadAsStringAsync(cancellationToken);
            var body = Parse(text, response.Content.Headers.ContentType?.MediaType);
            var status = (int)response.StatusCode;
            var error = body?.GetString("error");
            if (!response.IsSuccessStatusCode || error is not null || body is null)
            {
                logger.LogInformation("Token endpoint of {Provider} answered HTTP {Status} {Error}", provider.Name, status, error ?? "");
                return new TokenAnswer(null, status, error ?? (body is null ? TokenAnswer.UnreadableResponse : TokenAnswer.HttpError), Truncate(body?.GetString("error_description")));
            }

            return new TokenAnswer(body, status, null, null);
        }
        catch (Exception exception) when (exception is HttpRequestException or TaskCanceledException && !cancellationToken.IsCancellationRequested)
        {
            var reason = OutboundFailure.Describe(exception);
            logger.LogWarning("Token endpoint of {Provider} could not be reached: {Reason}", provider.Name, reason);
            return new TokenAnswer(null, 0, TokenAnswer.Unreachable, reason);
        }
    }

    private static TokenAnswer Unsent(string error, string description) => new(null, 0, error, description);

    private static HttpRequestMessage Build(Provider provider, Uri tokenUrl, IReadOnlyDictionary<string, string> parameters, TokenClient client, DateTimeOffset now)
    {
        var body = new Dictionary<string, string>(parameters, StringComparer.Ordinal);
        var request = new HttpRequestMessage(HttpMethod.Post, tokenUrl);
        request.Headers.Accept.ParseAdd(ProviderQuirks.TokenAccept);

        if (ClientAssertion.IsUsedBy(provider))
        {
            // RFC 7523 §2.2: the signed assertion replaces the secret; the id is still sent (spec §5.5.3).
            body.TryAdd("client_id", client.Id);
            body["client_assertion_type"] = ClientAssertion.AssertionType;
            body["client_assertion"] = ClientAssertion.Create(client.Id, tokenUrl, client.PrivateKey ?? "", now);
        }
        else if (provider.GetString("authorization_method") == "header")
        {
            // RFC 6749 §2.3.1: HTTP Basic with form-encoded id and secret; the catalog's `authorization_method: header`.
            var pair = $"{FormEncoding.Encode(client.Id)}:{FormEncoding.Encode(client.Secret)}";
            request.Headers.Authorization = new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes(pair)));
        }
        else
        {
            body.TryAdd("client_id", client.Id);
            // A public client (RFC 6749 §2.1, PKCE) or one that authenticates with its certificate alone (RFC 8705 §2)
            // has no secret to send.
            if (client.Secret.Length > 0)
            {
                body.TryAdd("client_secret", client.Secret);
            }

            if (provider.GetString("token_request_auth_method") == "basic")
            {
                // Providers that insist on Basic (raw id:secret) while also tolerating the body copy (spec §5.5.1).
                request.Headers.Authorization = new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes($"{client.Id}:{client.Secret}")));
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
