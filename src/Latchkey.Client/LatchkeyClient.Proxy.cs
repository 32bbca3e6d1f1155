using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Latchkey.Client;

public sealed partial class LatchkeyClient
{
    private static readonly HashSet<string> CallerAuthCodes = new(StringComparer.Ordinal)
    {
        "missing_auth_header", "malformed_auth_header", "invalid_secret_key_format", "unknown_account",
    };

    /// <summary>
    /// Calls a provider's API with a connection's credentials through the proxy (<c>/proxy/*</c>). The answer is the
    /// provider's, whatever its status (a provider's 404 is returned, not thrown), and its body streams: dispose the
    /// response when done.
    /// </summary>
    /// <param name="request">The endpoint, connection and options.</param>
    /// <param name="cancellationToken">Cancels the request (and the body's streaming).</param>
    /// <returns>The provider's response, headers read, body not yet.</returns>
    /// <exception cref="LatchkeyApiException">Latchkey itself refused the call: unknown connection or integration,
    /// invalid headers, credentials that could not be refreshed, a refused or unreachable target.</exception>
    public async Task<HttpResponseMessage> ProxyAsync(ProxyRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentException.ThrowIfNullOrEmpty(request.IntegrationKey);
        ArgumentException.ThrowIfNullOrEmpty(request.ConnectionId);
        var endpoint = request.Endpoint.StartsWith('/') ? request.Endpoint : "/" + request.Endpoint;
        var query = string.Join('&', (request.Params ?? new Dictionary<string, string>())
            .Select(pair => $"{Uri.EscapeDataString(pair.Key)}={Uri.EscapeDataString(pair.Value)}"));
        if (query.Length > 0)
        {
            endpoint += (endpoint.Contains('?', StringComparison.Ordinal) ? "&" : "?") + query;
        }

        using var message = new HttpRequestMessage(request.Method ?? HttpMethod.Get, new Uri(_baseUrl, "proxy" + endpoint)) { Content = request.Content };
        message.Headers.Authorization = _authorization;
        message.Headers.UserAgent.ParseAdd(UserAgent);
        message.Headers.Add("Connection-Id", request.ConnectionId);
        message.Headers.Add("Provider-Config-Key", request.IntegrationKey);
        if (request.Retries > 0)
        {
            message.Headers.Add("Retries", request.Retries.ToString(CultureInfo.InvariantCulture));
        }

        if (request.RetryOn is { Count: > 0 } retryOn)
        {
            message.Headers.Add("Retry-On", string.Join(',', retryOn.Select(code => code.ToString(CultureInfo.InvariantCulture))));
        }

        if (request.BaseUrlOverride is { Length: > 0 } baseUrl)
        {
            message.Headers.Add("Base-Url-Override", baseUrl);
        }

        if (request.Decompress)
        {
            message.Headers.Add("Decompress", "true");
        }

        foreach (var (name, value) in request.Headers ?? new Dictionary<string, string>())
        {
            message.Headers.TryAddWithoutValidation("Nango-Proxy-" + name, value);
        }

        var response = await _http.SendAsync(message, HttpCompletionOption.ResponseHeadersRead, cancellationToken);
        if (response.Headers.Contains("Latchkey-Proxy-Error") || await IsCallerRefusalAsync(response, cancellationToken))
        {
            using (response)
            {
                throw await ToExceptionAsync(response, cancellationToken);
            }
        }

        return response;
    }

    /// <summary>A GET through the proxy (<see cref="ProxyAsync"/>).</summary>
    /// <param name="request">The endpoint, connection and options; its method is ignored.</param>
    /// <param name="cancellationToken">Cancels the request.</param>
    /// <returns>The provider's streaming response.</returns>
    public Task<HttpResponseMessage> GetAsync(ProxyRequest request, CancellationToken cancellationToken = default) =>
        ProxyAsync(request with { Method = HttpMethod.Get }, cancellationToken);

    /// <summary>A POST through the proxy (<see cref="ProxyAsync"/>).</summary>
    /// <param name="request">The endpoint, connection, body and options; its method is ignored.</param>
    /// <param name="cancellationToken">Cancels the request.</param>
    /// <returns>The provider's streaming response.</returns>
    public Task<HttpResponseMessage> PostAsync(ProxyRequest request, CancellationToken cancellationToken = default) =>
        ProxyAsync(request with { Method = HttpMethod.Post }, cancellationToken);

    /// <summary>A PUT through the proxy (<see cref="ProxyAsync"/>).</summary>
    /// <param name="request">The endpoint, connection, body and options; its method is ignored.</param>
    /// <param name="cancellationToken">Cancels the request.</param>
    /// <returns>The provider's streaming response.</returns>
    public Task<HttpResponseMessage> PutAsync(ProxyRequest request, CancellationToken cancellationToken = default) =>
        ProxyAsync(request with { Method = HttpMethod.Put }, cancellationToken);

    /// <summary>A PATCH through the proxy (<see cref="ProxyAsync"/>).</summary>
    /// <param name="request">The endpoint, connection, body and options; its method is ignored.</param>
    /// <param name="cancellationToken">Cancels the request.</param>
    /// <returns>The provider's streaming response.</returns>
    public Task<HttpResponseMessage> PatchAsync(ProxyRequest request, CancellationToken cancellationToken = default) =>
        ProxyAsync(request with { Method = HttpMethod.Patch }, cancellationToken);

    /// <summary>A DELETE through the proxy (<see cref="ProxyAsync"/>).</summary>
    /// <param name="request">The endpoint, connection and options; its method is ignored.</param>
    /// <param name="cancellationToken">Cancels the request.</param>
    /// <returns>The provider's streaming response.</returns>
    public Task<HttpResponseMessage> DeleteAsync(ProxyRequest request, CancellationToken cancellationToken = default) =>
        ProxyAsync(request with { Method = HttpMethod.Delete }, cancellationToken);

    // Latchkey refused the secret key before the proxy ran (its 401 carries no Latchkey-Proxy-Error). Only a 401 is
    // read, and its body is kept so that a provider's own 401 reaches the caller intact.
    private static async Task<bool> IsCallerRefusalAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        if (response.StatusCode != System.Net.HttpStatusCode.Unauthorized)
        {
            return false;
        }

#if NET9_0_OR_GREATER
        await response.Content.LoadIntoBufferAsync(cancellationToken);
#else
        await response.Content.LoadIntoBufferAsync(); // .NET 8 has no overload with a token
#endif
        try
        {
            var code = JsonNode.Parse(await response.Content.ReadAsStringAsync(cancellationToken))?["error"]?["code"];
            return code is JsonValue value && value.TryGetValue<string>(out var text) && CallerAuthCodes.Contains(text);
        }
        catch (JsonException)
        {
            return false;
        }
    }
}
