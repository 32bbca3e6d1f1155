using System.Globalization;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization.Metadata;
using Microsoft.Extensions.Options;

namespace Latchkey.Client;

/// <summary>
/// Typed client of the Latchkey REST API for your backend: connect sessions, connections with fresh credentials,
/// integrations and providers. Thread-safe; register it with
/// <see cref="LatchkeyServiceCollectionExtensions.AddLatchkeyClient"/> or create it over your own <see cref="HttpClient"/>.
/// Every failure the server reports is thrown as a <see cref="LatchkeyApiException"/>.
/// </summary>
public sealed partial class LatchkeyClient
{
    private const string UserAgent = "latchkey-dotnet/0.1.0";

    private readonly HttpClient _http;
    private readonly Uri _baseUrl;
    private readonly AuthenticationHeaderValue _authorization;

    /// <summary>Creates a client over <paramref name="httpClient"/> (its <c>BaseAddress</c> is not used).</summary>
    /// <param name="httpClient">The HTTP client to send with; a long-lived or factory-made one.</param>
    /// <param name="options">The server URL and secret key.</param>
    public LatchkeyClient(HttpClient httpClient, LatchkeyClientOptions options)
    {
        ArgumentNullException.ThrowIfNull(httpClient);
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        _http = httpClient;
        _baseUrl = new Uri(options.BaseUrl.TrimEnd('/') + "/");
        _authorization = new AuthenticationHeaderValue("Bearer", options.SecretKey);
    }

    /// <summary>Creates a client from registered options (the constructor dependency injection uses).</summary>
    /// <param name="httpClient">The factory-made HTTP client.</param>
    /// <param name="options">The registered options.</param>
    public LatchkeyClient(HttpClient httpClient, IOptions<LatchkeyClientOptions> options)
        : this(httpClient, options?.Value!)
    {
    }

    // ---- Connect sessions ------------------------------------------------------------------------------------

    /// <summary>Creates a connect session for one of your users (<c>POST /connect/sessions</c>).</summary>
    /// <param name="request">Who connects and what they may connect.</param>
    /// <param name="cancellationToken">Cancels the request.</param>
    /// <returns>The session: pass its token to the browser SDK or the Connect UI.</returns>
    public async Task<ConnectSession> CreateConnectSessionAsync(CreateConnectSessionRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        var response = await SendAsync(HttpMethod.Post, "connect/sessions", Body(request, LatchkeyJsonContext.Default.CreateConnectSessionRequest), LatchkeyJsonContext.Default.DataResponseConnectSession, cancellationToken);
        return response.Data;
    }

    /// <summary>Creates a session that re-authorises an existing connection (<c>POST /connect/sessions/reconnect</c>).</summary>
    /// <param name="request">The connection and integration to reconnect.</param>
    /// <param name="cancellationToken">Cancels the request.</param>
    /// <returns>The session.</returns>
    public async Task<ConnectSession> CreateReconnectSessionAsync(CreateReconnectSessionRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        var response = await SendAsync(HttpMethod.Post, "connect/sessions/reconnect", Body(request, LatchkeyJsonContext.Default.CreateReconnectSessionRequest), LatchkeyJsonContext.Default.DataResponseConnectSession, cancellationToken);
        return response.Data;
    }

    // ---- Connections -----------------------------------------------------------------------------------------

    /// <summary>
    /// Reads a connection with fresh credentials (<c>GET /connections/:id</c>): the server refreshes OAuth tokens that
    /// are about to expire before answering.
    /// </summary>
    /// <param name="integrationKey">The integration key (<c>provider_config_key</c>).</param>
    /// <param name="connectionId">The connection id.</param>
    /// <param name="options">Force a refresh, or include the refresh token.</param>
    /// <param name="cancellationToken">Cancels the request.</param>
    /// <returns>The connection; match <see cref="Connection.Credentials"/> on its type.</returns>
    public Task<Connection> GetConnectionAsync(string integrationKey, string connectionId, GetConnectionOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(integrationKey);
        ArgumentException.ThrowIfNullOrEmpty(connectionId);
        options ??= new GetConnectionOptions();
        var query = new QueryBuilder()
            .Add("provider_config_key", integrationKey)
            .Add("force_refresh", options.ForceRefresh ? "true" : "false")
            .Add("refresh_token", options.RefreshToken ? "true" : "false");
        return SendAsync(HttpMethod.Get, $"connections/{Escape(connectionId)}{query}", null, LatchkeyJsonContext.Default.Connection, cancellationToken);
    }

    /// <summary>Lists connections, newest first (<c>GET /connections</c>).</summary>
    /// <param name="query">Filters; null lists everything.</param>
    /// <param name="cancellationToken">Cancels the request.</param>
    /// <returns>The matching connections, without credentials.</returns>
    public async Task<IReadOnlyList<ConnectionSummary>> ListConnectionsAsync(ListConnectionsQuery? query = null, CancellationToken cancellationToken = default)
    {
        query ??= new ListConnectionsQuery();
        var builder = new QueryBuilder()
            .Add("connectionId", query.ConnectionId)
            .Add("search", query.Search)
            .Add("endUserId", query.EndUserId)
            .Add("endUserOrganizationId", query.EndUserOrganizationId)
            .Add("integrationId", query.IntegrationIds is { Count: > 0 } ids ? string.Join(',', ids) : null)
            .Add("limit", query.Limit?.ToString(CultureInfo.InvariantCulture))
            .Add("page", query.Page?.ToString(CultureInfo.InvariantCulture));
        foreach (var (key, value) in query.Tags ?? new Dictionary<string, string>())
        {
            builder.Add($"tags[{key}]", value);
        }

        var list = await SendAsync(HttpMethod.Get, $"connections{builder}", null, LatchkeyJsonContext.Default.ConnectionList, cancellationToken);
        return list.Connections;
    }

    /// <summary>Deletes a connection (<c>DELETE /connections/:id</c>).</summary>
    /// <param name="integrationKey">The integration key.</param>
    /// <param name="connectionId">The connection id.</param>
    /// <param name="cancellationToken">Cancels the request.</param>
    /// <returns>True when a connection was deleted.</returns>
    /// <exception cref="LatchkeyApiException">Code <c>unknown_connection</c> when there is no such connection.</exception>
    public async Task<bool> DeleteConnectionAsync(string integrationKey, string connectionId, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(integrationKey);
        ArgumentException.ThrowIfNullOrEmpty(connectionId);
        var query = new QueryBuilder().Add("provider_config_key", integrationKey);
        var result = await SendAsync(HttpMethod.Delete, $"connections/{Escape(connectionId)}{query}", null, LatchkeyJsonContext.Default.SuccessResponse, cancellationToken);
        return result.Success;
    }

    /// <summary>Changes a connection's end user, tags or webhook override (<c>PATCH /connections/:id</c>).</summary>
    /// <param name="integrationKey">The integration key.</param>
    /// <param name="connectionId">The connection id.</param>
    /// <param name="request">What to change.</param>
    /// <param name="cancellationToken">Cancels the request.</param>
    /// <returns>A task that completes when the change is saved.</returns>
    public async Task PatchConnectionAsync(string integrationKey, string connectionId, PatchConnectionRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(integrationKey);
        ArgumentException.ThrowIfNullOrEmpty(connectionId);
        ArgumentNullException.ThrowIfNull(request);
        var query = new QueryBuilder().Add("provider_config_key", integrationKey);
        await SendAsync(HttpMethod.Patch, $"connections/{Escape(connectionId)}{query}", Body(request, LatchkeyJsonContext.Default.PatchConnectionRequest), LatchkeyJsonContext.Default.SuccessResponse, cancellationToken);
    }

    /// <summary>Replaces the metadata of one or more connections (<c>POST /connections/metadata</c>).</summary>
    /// <param name="integrationKey">The integration key.</param>
    /// <param name="connectionIds">The connections; if any does not exist nothing is changed.</param>
    /// <param name="metadata">The new metadata.</param>
    /// <param name="cancellationToken">Cancels the request.</param>
    /// <returns>A task that completes when the metadata is saved.</returns>
    public Task SetMetadataAsync(string integrationKey, IReadOnlyList<string> connectionIds, JsonObject metadata, CancellationToken cancellationToken = default) =>
        SendMetadataAsync(HttpMethod.Post, integrationKey, connectionIds, metadata, cancellationToken);

    /// <summary>Merges keys into the metadata of one or more connections (<c>PATCH /connections/metadata</c>, shallow merge).</summary>
    /// <param name="integrationKey">The integration key.</param>
    /// <param name="connectionIds">The connections; if any does not exist nothing is changed.</param>
    /// <param name="metadata">The keys to set.</param>
    /// <param name="cancellationToken">Cancels the request.</param>
    /// <returns>A task that completes when the metadata is saved.</returns>
    public Task UpdateMetadataAsync(string integrationKey, IReadOnlyList<string> connectionIds, JsonObject metadata, CancellationToken cancellationToken = default) =>
        SendMetadataAsync(HttpMethod.Patch, integrationKey, connectionIds, metadata, cancellationToken);

    // ---- Integrations ----------------------------------------------------------------------------------------

    /// <summary>Lists the environment's integrations (<c>GET /integrations</c>).</summary>
    /// <param name="cancellationToken">Cancels the request.</param>
    /// <returns>The integrations, ordered by provider name.</returns>
    public async Task<IReadOnlyList<Integration>> ListIntegrationsAsync(CancellationToken cancellationToken = default)
    {
        var response = await SendAsync(HttpMethod.Get, "integrations", null, LatchkeyJsonContext.Default.DataResponseIReadOnlyListIntegration, cancellationToken);
        return response.Data;
    }

    /// <summary>Reads one integration (<c>GET /integrations/:key</c>).</summary>
    /// <param name="uniqueKey">The integration key.</param>
    /// <param name="include">Add the webhook URL and/or the app credentials.</param>
    /// <param name="cancellationToken">Cancels the request.</param>
    /// <returns>The integration.</returns>
    /// <exception cref="LatchkeyApiException">Code <c>not_found</c> when there is no such integration.</exception>
    public async Task<Integration> GetIntegrationAsync(string uniqueKey, IntegrationInclude include = IntegrationInclude.None, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(uniqueKey);
        var query = new QueryBuilder()
            .Add("include", include.HasFlag(IntegrationInclude.Webhook) ? "webhook" : null)
            .Add("include", include.HasFlag(IntegrationInclude.Credentials) ? "credentials" : null);
        var response = await SendAsync(HttpMethod.Get, $"integrations/{Escape(uniqueKey)}{query}", null, LatchkeyJsonContext.Default.DataResponseIntegration, cancellationToken);
        return response.Data;
    }

    /// <summary>Creates an integration (<c>POST /integrations</c>).</summary>
    /// <param name="request">The provider, key and app credentials.</param>
    /// <param name="cancellationToken">Cancels the request.</param>
    /// <returns>The new integration.</returns>
    public async Task<Integration> CreateIntegrationAsync(CreateIntegrationRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        var response = await SendAsync(HttpMethod.Post, "integrations", Body(request, LatchkeyJsonContext.Default.CreateIntegrationRequest), LatchkeyJsonContext.Default.DataResponseIntegration, cancellationToken);
        return response.Data;
    }

    /// <summary>Changes an integration (<c>PATCH /integrations/:key</c>).</summary>
    /// <param name="uniqueKey">The integration key.</param>
    /// <param name="request">What to change.</param>
    /// <param name="cancellationToken">Cancels the request.</param>
    /// <returns>The integration as changed.</returns>
    public async Task<Integration> UpdateIntegrationAsync(string uniqueKey, UpdateIntegrationRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(uniqueKey);
        ArgumentNullException.ThrowIfNull(request);
        var response = await SendAsync(HttpMethod.Patch, $"integrations/{Escape(uniqueKey)}", Body(request, LatchkeyJsonContext.Default.UpdateIntegrationRequest), LatchkeyJsonContext.Default.DataResponseIntegration, cancellationToken);
        return response.Data;
    }

    /// <summary>Deletes an integration (<c>DELETE /integrations/:key</c>).</summary>
    /// <param name="uniqueKey">The integration key.</param>
    /// <param name="cancellationToken">Cancels the request.</param>
    /// <returns>A task that completes when the integration is deleted.</returns>
    public async Task DeleteIntegrationAsync(string uniqueKey, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(uniqueKey);
        await SendAsync(HttpMethod.Delete, $"integrations/{Escape(uniqueKey)}", null, LatchkeyJsonContext.Default.SuccessResponse, cancellationToken);
    }

    // ---- Providers -------------------------------------------------------------------------------------------

    /// <summary>Lists the server's provider catalog (<c>GET /providers</c>).</summary>
    /// <param name="search">A case-insensitive pattern matched against provider names; null for all.</param>
    /// <param name="cancellationToken">Cancels the request.</param>
    /// <returns>The providers.</returns>
    public async Task<IReadOnlyList<Provider>> ListProvidersAsync(string? search = null, CancellationToken cancellationToken = default)
    {
        var query = new QueryBuilder().Add("search", search);
        var response = await SendAsync(HttpMethod.Get, $"providers{query}", null, LatchkeyJsonContext.Default.JsonObject, cancellationToken);
        return (response["data"] as JsonArray ?? []).OfType<JsonObject>().Select(ToProvider).ToArray();
    }

    /// <summary>Reads one provider of the catalog (<c>GET /providers/:name</c>).</summary>
    /// <param name="name">The provider name.</param>
    /// <param name="cancellationToken">Cancels the request.</param>
    /// <returns>The provider.</returns>
    /// <exception cref="LatchkeyApiException">Code <c>not_found</c> when the catalog has no such provider.</exception>
    public async Task<Provider> GetProviderAsync(string name, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        var response = await SendAsync(HttpMethod.Get, $"providers/{Escape(name)}", null, LatchkeyJsonContext.Default.JsonObject, cancellationToken);
        return ToProvider(response["data"] as JsonObject ?? []);
    }

    // ---- Plumbing --------------------------------------------------------------------------------------------

    private async Task SendMetadataAsync(HttpMethod method, string integrationKey, IReadOnlyList<string> connectionIds, JsonObject metadata, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(integrationKey);
        ArgumentNullException.ThrowIfNull(connectionIds);
        ArgumentNullException.ThrowIfNull(metadata);
        var body = Body(new MetadataRequest(connectionIds, integrationKey, metadata), LatchkeyJsonContext.Default.MetadataRequest);
        await SendAsync(method, "connections/metadata", body, LatchkeyJsonContext.Default.JsonObject, cancellationToken);
    }

    private async Task<T> SendAsync<T>(HttpMethod method, string path, HttpContent? content, JsonTypeInfo<T> responseType, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(method, new Uri(_baseUrl, path)) { Content = content };
        request.Headers.Authorization = _authorization;
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("application/json"));
        request.Headers.UserAgent.ParseAdd(UserAgent);
        using var response = await _http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken);
        if (!response.IsSuccessStatusCode)
        {
            throw await ToExceptionAsync(response, cancellationToken);
        }

        try
        {
            return await response.Content.ReadFromJsonAsync(responseType, cancellationToken)
                ?? throw new LatchkeyApiException(response.StatusCode, "unexpected_response", $"{method} /{path.Split('?')[0]} answered an empty body.");
        }
        catch (JsonException exception)
        {
            throw new LatchkeyApiException(response.StatusCode, "unexpected_response", $"{method} /{path.Split('?')[0]} answered a body this client cannot read: {exception.Message}");
        }
    }

    private static async Task<LatchkeyApiException> ToExceptionAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        var text = await response.Content.ReadAsStringAsync(cancellationToken);
        JsonObject? error = null;
        try
        {
            error = JsonNode.Parse(text)?["error"] as JsonObject;
        }
        catch (JsonException)
        {
        }

        var status = (int)response.StatusCode;
        if (error?["code"] is not JsonValue codeValue || !codeValue.TryGetValue<string>(out var code))
        {
            // Not an envelope: a proxy in between, or not a Latchkey server at all.
            return new LatchkeyApiException(response.StatusCode, "unexpected_response", $"The server answered {status} {response.ReasonPhrase} without an error envelope.");
        }

        var message = error["message"] is JsonValue messageValue && messageValue.TryGetValue<string>(out var m) ? m : $"The server answered {status} {code}.";
        var issues = (error["errors"] as JsonArray ?? [])
            .OfType<JsonObject>()
            .Select(issue => new LatchkeyValidationError(
                (issue["code"] as JsonValue)?.ToString() ?? "",
                (issue["message"] as JsonValue)?.ToString() ?? "",
                (issue["path"] as JsonArray ?? []).Select(segment => segment?.ToString() ?? "").ToArray()))
            .ToArray();
        return new LatchkeyApiException(response.StatusCode, code, message, issues, error["payload"]?.DeepClone());
    }

    private static ByteArrayContent Body<T>(T value, JsonTypeInfo<T> type)
    {
        var content = new ByteArrayContent(JsonSerializer.SerializeToUtf8Bytes(value, type));
        content.Headers.ContentType = new MediaTypeHeaderValue("application/json") { CharSet = "utf-8" };
        return content;
    }

    private static string Escape(string segment) => Uri.EscapeDataString(segment);

    private static Provider ToProvider(JsonObject json) => new()
    {
        Name = Text(json, "name") ?? "",
        DisplayName = Text(json, "display_name"),
        AuthMode = Text(json, "auth_mode"),
        LogoUrl = Text(json, "logo_url"),
        Docs = Text(json, "docs"),
        Categories = (json["categories"] as JsonArray)?.Select(c => c?.ToString() ?? "").ToArray(),
        Definition = json,
    };

    private static string? Text(JsonObject json, string name) =>
        json[name] is JsonValue value && value.TryGetValue<string>(out var text) ? text : null;

    /// <summary>Builds <c>?a=1&amp;b=2</c>, skipping null values and escaping keys and values.</summary>
    private sealed class QueryBuilder
    {
        private readonly StringBuilder _query = new();

        public QueryBuilder Add(string key, string? value)
        {
            if (value is not null)
            {
                _query.Append(_query.Length == 0 ? '?' : '&').Append(Uri.EscapeDataString(key)).Append('=').Append(Uri.EscapeDataString(value));
            }

            return this;
        }

        public override string ToString() => _query.ToString();
    }
}
