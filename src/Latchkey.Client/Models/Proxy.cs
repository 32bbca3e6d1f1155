namespace Latchkey.Client;

/// <summary>
/// A call to a provider's API through Latchkey's proxy (<c>/proxy/*</c>): Latchkey adds the connection's credentials
/// (refreshed when needed), resolves the provider's base URL and streams the provider's answer back.
/// </summary>
public sealed record ProxyRequest
{
    /// <summary>The provider's API path, with or without a query (<c>/v1/users?limit=10</c>).</summary>
    public required string Endpoint { get; init; }

    /// <summary>The integration key (<c>Provider-Config-Key</c>).</summary>
    public required string IntegrationKey { get; init; }

    /// <summary>The connection whose credentials to use (<c>Connection-Id</c>).</summary>
    public required string ConnectionId { get; init; }

    /// <summary>The HTTP method; GET when null.</summary>
    public HttpMethod? Method { get; init; }

    /// <summary>Query parameters added to <see cref="Endpoint"/>.</summary>
    public IReadOnlyDictionary<string, string>? Params { get; init; }

    /// <summary>Headers for the provider (sent as <c>Nango-Proxy-&lt;name&gt;</c> and forwarded without the prefix).</summary>
    public IReadOnlyDictionary<string, string>? Headers { get; init; }

    /// <summary>The body, sent as it is and streamed (a <see cref="StreamContent"/> is never buffered by the client).</summary>
    public HttpContent? Content { get; init; }

    /// <summary>
    /// Retries on 429 and 5xx (idempotent methods) and on <see cref="RetryOn"/> codes, honouring <c>Retry-After</c>
    /// (0 to 10). Bodies larger than the server's retry buffer are sent once.
    /// </summary>
    public int Retries { get; init; }

    /// <summary>Statuses to retry on as well; naming one allows retrying a POST or PATCH on it.</summary>
    public IReadOnlyList<int>? RetryOn { get; init; }

    /// <summary>Another base URL than the catalog's; only when the server allows it (<c>LATCHKEY_PROXY_ALLOW_BASE_URL_OVERRIDE</c>).</summary>
    public string? BaseUrlOverride { get; init; }

    /// <summary>Ask the server to decompress a gzip, deflate or brotli answer.</summary>
    public bool Decompress { get; init; }
}
