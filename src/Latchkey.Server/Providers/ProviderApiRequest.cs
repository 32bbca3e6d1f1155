using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.WebUtilities;

namespace Latchkey.Server.Providers;

/// <summary>
/// Builds a request to a provider's API the way a proxy call is built (spec §5.11): base URL, the provider's
/// <c>proxy.headers</c> and <c>proxy.query</c> rendered with the credentials, then auth injected by type.
/// </summary>
public static class ProviderApiRequest
{
    /// <summary>Template values for credentials: bare fields (<c>apiKey</c>, <c>username</c>…), <c>credentials.x</c>, <c>connectionConfig.x</c>.</summary>
    public static TemplateValues ValuesFor(JsonObject credentials, JsonObject connectionConfig)
    {
        var values = new TemplateValues();
        foreach (var (key, value) in credentials)
        {
            if (value is JsonValue scalar && scalar.ToString() is { } text)
            {
                values.Set(key, text).Set($"credentials.{key}", text);
            }
        }

        values.Set("accessToken", credentials.GetString("access_token") ?? credentials.GetString("token"));
        foreach (var (key, value) in connectionConfig)
        {
            if (value is JsonValue scalar)
            {
                values.Set($"connectionConfig.{key}", scalar.ToString());
            }
        }

        return values;
    }

    /// <summary>The verification request for one endpoint, or null when the URL cannot be built from the values.</summary>
    public static HttpRequestMessage? ForVerification(Provider provider, JsonObject verification, string endpoint, JsonObject credentials, TemplateValues values)
    {
        var proxy = provider.Proxy ?? [];
        var baseTemplate = verification.GetString("base_url_override") ?? proxy.GetString("base_url");
        if (baseTemplate is null)
        {
            return null;
        }

        var url = ProviderUrls.Render(ProviderUrls.Join(baseTemplate, endpoint), values);
        if (url is null)
        {
            return null;
        }

        var method = new HttpMethod((verification.GetString("method") ?? "GET").ToUpperInvariant());
        var request = new HttpRequestMessage(method, WithProviderQuery(url.ToString(), provider, values));

        AddAuthentication(request, provider.AuthMode, credentials);
        if (verification["data"] is JsonNode data)
        {
            request.Content = new StringContent(data.ToJsonString(), Encoding.UTF8, "application/json");
        }

        ApplyHeaders(request, proxy.GetStringMap("headers").Concat(verification.GetStringMap("headers")), values);
        return request;
    }

    /// <summary>
    /// The base URL of a proxy call: the caller's override when the server allows one, else <c>proxy.base_url</c>,
    /// rendered with the connection's values (spec §5.13). Null when the provider has none or a placeholder stays unresolved.
    /// </summary>
    public static Uri? ProxyBaseUrl(Provider provider, string? baseUrlOverride, TemplateValues values)
    {
        var template = baseUrlOverride ?? provider.Proxy?.GetString("base_url");
        return template is null ? null : ProviderUrls.Render(template, values);
    }

    /// <summary>Appends the provider's <c>proxy.query</c> entries (an API key in the URL, for instance) to <paramref name="url"/>.</summary>
    public static string WithProviderQuery(string url, Provider provider, TemplateValues values)
    {
        var query = (provider.Proxy ?? []).GetStringMap("query")
            .Select(pair => KeyValuePair.Create(pair.Key, Template.Render(pair.Value, values)))
            .Where(pair => Template.IsComplete(pair.Value))
            .ToDictionary(pair => pair.Key, pair => (string?)pair.Value);
        return query.Count == 0 ? url : QueryHelpers.AddQueryString(url, query);
    }

    /// <summary>
    /// What a proxied request carries for its connection: auth by mode (bearer for token modes, basic for BASIC), then
    /// the provider's <c>proxy.headers</c> rendered with the credentials, which may replace it (spec §5.11, §8.2).
    /// </summary>
    public static void AddProviderAuth(HttpRequestMessage request, Provider provider, JsonObject credentials, TemplateValues values)
    {
        AddAuthentication(request, provider.AuthMode, credentials);
        ApplyHeaders(request, (provider.Proxy ?? []).GetStringMap("headers"), values);
    }

    private static void ApplyHeaders(HttpRequestMessage request, IEnumerable<KeyValuePair<string, string>> headers, TemplateValues values)
    {
        foreach (var (name, template) in headers)
        {
            // A header naming a value this connection lacks is dropped rather than sent half-rendered. Content headers
            // (content-type…) describe a body: they go on the body when there is one, and a request without one has
            // nothing for them to describe.
            var value = Template.Render(template, values);
            HttpHeaders? target = name.StartsWith("content-", StringComparison.OrdinalIgnoreCase) ? request.Content?.Headers : request.Headers;
            if (Template.IsComplete(value) && target is not null)
            {
                target.Remove(name);
                target.TryAddWithoutValidation(name, value);
            }
        }
    }

    private static void AddAuthentication(HttpRequestMessage request, string authMode, JsonObject credentials)
    {
        switch (authMode)
        {
            case AuthModes.Basic:
                var pair = $"{credentials.GetString("username")}:{credentials.GetString("password")}";
                request.Headers.Authorization = new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes(pair)));
                break;
            case AuthModes.OAuth2 or AuthModes.OAuth2ClientCredentials or AuthModes.App or AuthModes.Jwt or AuthModes.TwoStep or AuthModes.McpOAuth2 or AuthModes.McpOAuth2Generic
                or AuthModes.Custom:
                // CUSTOM (a GitHub App with a user leg) calls the API with its installation token.
                var token = credentials.GetString("access_token") ?? credentials.GetString("token") ?? (credentials["app"] as JsonObject)?.GetString("access_token");
                if (token is not null)
                {
                    request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
                }

                break;
        }
    }
}
