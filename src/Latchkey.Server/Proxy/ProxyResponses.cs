using System.IO.Compression;
using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Http.Features;

namespace Latchkey.Server.Proxy;

/// <summary>
/// Writes the provider's answer to the caller as it came: status, headers (minus hop-by-hop and
/// <c>access-control-*</c>, spec §4.9) and the body, streamed. With <c>Decompress: true</c> a gzip, deflate or brotli
/// body is decompressed on the way.
/// </summary>
public static class ProxyResponses
{
    private static readonly HashSet<string> HopByHop = new(StringComparer.OrdinalIgnoreCase)
    {
        "Connection", "Keep-Alive", "Proxy-Authenticate", "Proxy-Authorization", "Proxy-Connection", "TE", "Trailer", "Trailers",
        "Transfer-Encoding", "Upgrade",
    };

    public static async Task WriteAsync(HttpContext context, HttpResponseMessage response, bool decompress, CancellationToken cancellationToken)
    {
        // A provider's bodiless 404 is the provider's answer, not an unknown route of ours.
        if (context.Features.Get<IStatusCodePagesFeature>() is { } statusPages)
        {
            statusPages.Enabled = false;
        }

        context.Response.StatusCode = (int)response.StatusCode;
        if (context.Features.Get<IHttpResponseFeature>() is { } feature && response.ReasonPhrase is { Length: > 0 } reason)
        {
            feature.ReasonPhrase = reason;
        }

        var listed = response.Headers.Connection.ToHashSet(StringComparer.OrdinalIgnoreCase);
        var target = context.Response.Headers;
        foreach (var (name, values) in response.Headers.NonValidated.Concat(response.Content.Headers.NonValidated))
        {
            if (!HopByHop.Contains(name) && !listed.Contains(name) && !name.StartsWith("Access-Control-", StringComparison.OrdinalIgnoreCase))
            {
                target[name] = values.ToArray();
            }
        }

        await using var body = await response.Content.ReadAsStreamAsync(cancellationToken);
        var encoding = response.Content.Headers.ContentEncoding.LastOrDefault();
        await using var decoded = decompress ? Decoder(body, encoding) : null;
        if (decoded is not null)
        {
            target.Remove("Content-Encoding");
            target.ContentLength = null;
        }

        await (decoded ?? body).CopyToAsync(context.Response.Body, 64 * 1024, cancellationToken);
    }

    private static Stream? Decoder(Stream body, string? encoding) => encoding?.ToLowerInvariant() switch
    {
        "gzip" or "x-gzip" => new GZipStream(body, CompressionMode.Decompress, leaveOpen: true),
        "deflate" => new ZLibStream(body, CompressionMode.Decompress, leaveOpen: true),
        "br" => new BrotliStream(body, CompressionMode.Decompress, leaveOpen: true),
        _ => null,
    };
}
