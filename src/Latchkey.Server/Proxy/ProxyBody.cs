using Microsoft.AspNetCore.Http.Features;

namespace Latchkey.Server.Proxy;

/// <summary>
/// The caller's request body, forwarded byte for byte. A small body with a known length is read into memory first,
/// so that the call can be sent again (a retry, a replay after a refresh, a 307/308 redirect); anything else streams
/// from the caller straight to the provider and can be sent only once.
/// </summary>
public sealed class ProxyBody
{
    private readonly byte[]? _buffered;
    private readonly Stream? _stream;
    private bool _streamUsed;

    private ProxyBody(byte[]? buffered, Stream? stream, long? length)
    {
        _buffered = buffered;
        _stream = stream;
        Length = length;
    }

    public static readonly ProxyBody None = new(null, null, null);

    /// <summary>The body's length when the caller declared it.</summary>
    public long? Length { get; }

    /// <summary>Whether the body can be sent more than once.</summary>
    public bool Replayable => _stream is null;

    public bool IsEmpty => _buffered is null && _stream is null;

    public static async Task<ProxyBody> ReadAsync(HttpContext context, ProxyOptions options, CancellationToken cancellationToken)
    {
        // The server-wide LATCHKEY_MAX_BODY_BYTES is for JSON; uploads through the proxy have their own limit.
        if (context.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } limit)
        {
            limit.MaxRequestBodySize = options.MaxBodyBytes == 0 ? null : options.MaxBodyBytes;
        }

        var request = context.Request;
        var canHaveBody = context.Features.Get<IHttpRequestBodyDetectionFeature>()?.CanHaveBody ?? request.ContentLength > 0;
        if (!canHaveBody)
        {
            // A POST without a body still says Content-Length: 0; some APIs refuse a POST without one (411).
            return HttpMethods.IsPost(request.Method) || HttpMethods.IsPut(request.Method) || HttpMethods.IsPatch(request.Method)
                ? new ProxyBody([], null, 0)
                : None;
        }

        if (request.ContentLength is { } length && length <= options.RetryBufferBytes)
        {
            var buffer = new byte[length];
            await request.Body.ReadExactlyAsync(buffer, cancellationToken);
            return new ProxyBody(buffer, null, length);
        }

        return new ProxyBody(null, request.Body, request.ContentLength);
    }

    /// <summary>The body as content for one attempt; null when there is none, or when a streamed body was already sent.</summary>
    public HttpContent? CreateContent()
    {
        if (_buffered is not null)
        {
            return new ByteArrayContent(_buffered);
        }

        if (_stream is null || _streamUsed)
        {
            return null;
        }

        _streamUsed = true;
        var content = new StreamContent(_stream, 64 * 1024);
        content.Headers.ContentLength = Length;
        return content;
    }
}
