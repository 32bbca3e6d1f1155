using System.Security.Cryptography;
using System.Text.Json.Nodes;
using Latchkey.Server.Hosting;
using Latchkey.Server.Integrations;
using Latchkey.Server.Outbound;
using Latchkey.Server.Providers;
using Microsoft.AspNetCore.WebUtilities;

namespace Latchkey.Server.OAuth;

/// <summary>
/// Three-legged OAuth 1.0a (RFC 5849, spec §5.9): a signed request token whose callback carries our state (OAuth 1
/// has no state parameter), the user's authorization, then a signed exchange for the access token.
/// </summary>
public sealed class OAuth1Flow(OAuthSessionStore sessions, IHttpClientFactory httpClients, IntegrationStore integrations, TimeProvider clock, ILogger<OAuth1Flow> logger)
    : IAuthorizationGrant
{
    public async Task<Outcome<(string Url, string State, string Binding)>> StartAsync(PreparedFlow prepared, CancellationToken cancellationToken)
    {
        var provider = prepared.Entry.Provider;
        var state = OAuthSessionStore.NewState();
        var callback = QueryHelpers.AddQueryString(prepared.CallbackUrl, "state", state);
        var requestUrl = ProviderUrls.Render(provider.GetString("request_url"), TemplateValues.Of(prepared.Entry.ConnectionConfig));
        if (requestUrl is null)
        {
            return ApiError.BadRequest(ErrorCodes.UrlParamErr, "The provider's request_url needs connection settings that were not given.");
        }

        var answer = await SendSignedAsync(provider, requestUrl, provider.GetString("request_http_method", "POST"),
            [KeyValuePair.Create("oauth_callback", callback)], provider.Definition.GetStringMap("request_params"),
            prepared.ClientId, prepared.ClientSecret, token: null, tokenSecret: null, cancellationToken);
        var requestToken = answer?.GetValueOrDefault("oauth_token");
        var requestSecret = answer?.GetValueOrDefault("oauth_token_secret");
        if (string.IsNullOrEmpty(requestToken) || requestSecret is null)
        {
            return ApiError.BadRequest(ErrorCodes.TokenErr, $"{provider.DisplayName} did not issue a request token.");
        }

        var flow = OAuth2Flow.ToFlow(prepared, prepared.Secrets with { RequestTokenSecret = requestSecret }, clock.GetUtcNow());
        var (_, binding) = await sessions.CreateAsync(flow, cancellationToken, state);
        var parameters = new Dictionary<string, string?> { ["oauth_token"] = requestToken };
        if (prepared.Scopes.Count > 0)
        {
            parameters["scope"] = string.Join(provider.ScopeSeparator, prepared.Scopes);
        }

        foreach (var (key, value) in provider.AuthorizationParams.Concat(prepared.AuthorizationParams))
        {
            parameters[key] = value;
        }

        parameters["oauth_callback"] = callback;
        return (QueryHelpers.AddQueryString(provider.AuthorizationUrl!, parameters), state, binding);
    }

    public async Task<Outcome<CompletedAuth>> CompleteAsync(OAuthFlow flow, Integration integration, Provider provider, IQueryCollection query, CancellationToken cancellationToken)
    {
        var token = query["oauth_token"].ToString();
        var verifier = query["oauth_verifier"].ToString();
        if (token.Length == 0 || verifier.Length == 0)
        {
            return ApiError.BadRequest(ErrorCodes.CallbackErr, $"{provider.DisplayName} did not return oauth_token and oauth_verifier{OAuth2Flow.ProviderErrorText(query)}.");
        }

        var tokenUrl = ProviderUrls.Render(provider.TokenUrlFor(AuthModes.OAuth1) ?? "", TemplateValues.Of(flow.ConnectionConfig));
        if (tokenUrl is null)
        {
            return ApiError.BadRequest(ErrorCodes.UrlParamErr, "The provider's token_url needs connection settings that were not given.");
        }

        var answer = await SendSignedAsync(provider, tokenUrl, provider.GetString("token_http_method", "POST"),
            [KeyValuePair.Create("oauth_verifier", verifier)], provider.TokenParams,
            flow.Secrets.ClientIdOverride ?? integration.ClientId ?? "", flow.Secrets.ClientSecretOverride ?? integrations.OpenSecrets(integration).ClientSecret ?? "",
            token, flow.Secrets.RequestTokenSecret, cancellationToken);
        if (answer?.GetValueOrDefault("oauth_token") is not { Length: > 0 } accessToken || answer.GetValueOrDefault("oauth_token_secret") is not { } accessSecret)
        {
            return ApiError.BadRequest(ErrorCodes.UnknownErr, $"{provider.DisplayName} did not exchange the request token for an access token.");
        }

        var raw = new JsonObject(answer.Select(p => KeyValuePair.Create(p.Key, (JsonNode?)p.Value)));
        var credentials = new JsonObject { ["type"] = AuthModes.OAuth1, ["oauth_token"] = accessToken, ["oauth_token_secret"] = accessSecret, ["raw"] = raw };
        var config = flow.ConnectionConfig.DeepClone().AsObject();
        foreach (var key in provider.Definition.GetStringList("redirect_uri_metadata").Where(query.ContainsKey))
        {
            config[key] = query[key].ToString();
        }

        return new CompletedAuth(credentials, null, config);
    }

    private async Task<Dictionary<string, string>?> SendSignedAsync(
        Provider provider, Uri url, string method, KeyValuePair<string, string>[] extraProtocol, IReadOnlyDictionary<string, string> bodyParams,
        string consumerKey, string consumerSecret, string? token, string? tokenSecret, CancellationToken cancellationToken)
    {
        var signatureMethod = provider.GetString("signature_method", "HMAC-SHA1");
        var protocol = new List<KeyValuePair<string, string>>
        {
            new("oauth_consumer_key", consumerKey),
            new("oauth_nonce", Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16))),
            new("oauth_signature_method", signatureMethod),
            new("oauth_timestamp", clock.GetUtcNow().ToUnixTimeSeconds().ToString(System.Globalization.CultureInfo.InvariantCulture)),
            new("oauth_version", "1.0"),
        };
        protocol.AddRange(extraProtocol);
        if (token is not null)
        {
            protocol.Add(new("oauth_token", token));
        }

        var query = QueryHelpers.ParseQuery(url.Query).SelectMany(p => p.Value.Select(v => KeyValuePair.Create(p.Key, v ?? "")));
        var baseString = OAuth1Signature.BaseString(method, url, protocol.Concat(bodyParams).Concat(query));
        protocol.Add(new("oauth_signature", OAuth1Signature.Sign(signatureMethod, baseString, consumerSecret, tokenSecret)));

        using var request = new HttpRequestMessage(new HttpMethod(method), url);
        request.Headers.TryAddWithoutValidation("Authorization", OAuth1Signature.Header(protocol));
        if (bodyParams.Count > 0)
        {
            request.Content = new FormUrlEncodedContent(bodyParams);
        }

        try
        {
            using var response = await httpClients.CreateClient(OutboundFeature.ClientName).SendAsync(request, cancellationToken);
            var text = await response.Content.ReadAsStringAsync(cancellationToken);
            if (!response.IsSuccessStatusCode)
            {
                logger.LogInformation("OAuth 1 endpoint of {Provider} answered HTTP {Status}", provider.Name, (int)response.StatusCode);
                return null;
            }

            return QueryHelpers.ParseQuery(text).ToDictionary(p => p.Key, p => p.Value.ToString(), StringComparer.Ordinal);
        }
        catch (Exception exception) when (exception is HttpRequestException or TaskCanceledException && !cancellationToken.IsCancellationRequested)
        {
            logger.LogWarning("OAuth 1 endpoint of {Provider} could not be reached: {Reason}", provider.Name, OutboundFailure.Describe(exception));
            return null;
        }
    }
}
