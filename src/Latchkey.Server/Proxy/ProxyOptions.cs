namespace Latchkey.Server.Proxy;

/// <summary>How <c>/proxy/*</c> behaves (README "Proxy"). Bound once from <c>LATCHKEY_PROXY_*</c>.</summary>
public sealed class ProxyOptions
{
    /// <summary>
    /// <c>LATCHKEY_PROXY_MAX_BODY_BYTES</c>: the largest request body a proxied call may upload (default 1 GiB; 0 = no
    /// limit). It replaces <c>LATCHKEY_MAX_BODY_BYTES</c> on <c>/proxy/*</c> only: the body streams to the provider
    /// and is never held in memory.
    /// </summary>
    public long MaxBodyBytes { get; set; } = 1L << 30;

    /// <summary>
    /// <c>LATCHKEY_PROXY_RETRY_BUFFER_BYTES</c>: a request body up to this size (known from Content-Length) is kept in
    /// memory so that the call can be retried or replayed after a refresh (default 256 KiB). Larger bodies stream and
    /// are sent once: a streamed body cannot be replayed.
    /// </summary>
    public int RetryBufferBytes { get; set; } = 256 * 1024;

    /// <summary><c>LATCHKEY_PROXY_ALLOW_BASE_URL_OVERRIDE</c>: honour the <c>Base-Url-Override</c> header (default off).</summary>
    public bool AllowBaseUrlOverride { get; set; }

    /// <summary>
    /// <c>LATCHKEY_PROXY_MAX_CONCURRENT_PER_CONNECTION</c>: proxied calls of one connection in flight at once (default 64);
    /// one more is answered 429 <c>too_many_request</c> with <c>Retry-After: 1</c>.
    /// </summary>
    public int MaxConcurrentPerConnection { get; set; } = 64;

    /// <summary><c>LATCHKEY_PROXY_TIMEOUT_SECONDS</c>: how long one attempt may wait for the provider's response headers (default 60).</summary>
    public int TimeoutSeconds { get; set; } = 60;

    /// <summary>The highest <c>Retries</c> value accepted from a caller.</summary>
    public const int MaxRetries = 10;

    /// <summary>A provider asking to wait longer than this (Retry-After) gets its answer passed back instead of a retry.</summary>
    public static readonly TimeSpan MaxRetryWait = TimeSpan.FromSeconds(30);
}
