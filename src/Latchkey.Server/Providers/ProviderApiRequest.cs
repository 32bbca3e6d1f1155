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

        var query = proxy.GetStringMap("query")
            .Select(pair => KeyValuePair.Create(pair.Key, Template.Render(pair.Value, values)))
            .Where(pair => Template.IsComplete(pair.Value))
            .ToDictionary(pair => pair.Key, pair => (string?)pair.Value);
        var method = new HttpMethod((verification.GetString("method") ?? "GET").ToUpperInvariant());
        var request = new HttpRequestMessage(method, QueryHelpers.AddQueryString(url.ToString(), query));

        AddAuthentication(request, provider.AuthMode, credentials);
        if (verification["data"] is JsonNode data)
        {
            request.Content = new StringContent(data.ToJsonString(), Encoding.UTF8, "application/json");
        }

        foreach (var (name, template) in proxy.GetStringMap("headers").Concat(verification.GetStringMap("headers")))
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

        return request;
    }

    private static void AddAuthentication(HttpRequestMessage request, string authMode, JsonObject credentials)
    {
        switch (authMode)
        {
            case AuthModes.Basic:
                var pair = $"{credentials.GetString("username")}:{credentials.GetString("password")}";
                request.Headers.Authorization = new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes(pair)));
                break;
            case AuthModes.OAuth2 or AuthModes.OAuth2ClientCredentials or AuthModes.App or AuthModes.Jwt or AuthModes.TwoStep or AuthModes.McpOAuth2 or AuthModes.McpOAuth2Generic:
                var token = credentials.GetString("access_token") ?? credentials.GetString("token");
                if (token is not null)
                {
                    request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
                }

                break;
        }
    }
}
