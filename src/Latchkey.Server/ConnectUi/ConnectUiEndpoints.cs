using Latchkey.Server.Environments;
using Latchkey.Server.Hosting;
using Microsoft.AspNetCore.StaticFiles;
using Microsoft.Net.Http.Headers;

namespace Latchkey.Server.ConnectUi;

internal static class ConnectUiEndpoints
{
    private static readonly FileExtensionContentTypeProvider ContentTypes = new();

    /// <summary>
    /// A built file when one matches; otherwise, for app routes, <c>index.html</c> (SPA fallback). <c>/connect-ui</c>
    /// redirects to <c>/connect-ui/</c> on the same origin with its query, since the app's asset paths are relative.
    /// </summary>
    public static async Task<IResult> ServeAsync(HttpContext context, ConnectUiPage page, EnvironmentStore environments,
        PublicUrls urls, CancellationToken cancellationToken, string? path = null)
    {
        if (context.Request.Path.Value is "/connect-ui")
        {
            return TypedResults.Redirect(context.Request.PathBase + "/connect-ui/" + context.Request.QueryString);
        }

        path ??= "";
        var headers = context.Response.Headers;
        if (path.Length > 0 && path != "index.html")
        {
            var file = page.Files.GetFileInfo(path);
            if (file is { Exists: true, IsDirectory: false })
            {
                // Vite names everything under assets/ by content hash: such a URL never changes meaning.
                headers.CacheControl = path.StartsWith("assets/", StringComparison.Ordinal) ? "public, max-age=31536000, immutable" : "no-cache";
                headers.XContentTypeOptions = "nosniff";
                var type = ContentTypes.TryGetContentType(file.Name, out var known) ? known : "application/octet-stream";
                var (sent, encoding, hasCopies) = PrecompressedFiles.Choose(page.Files, path, file, context.Request);
                if (hasCopies)
                {
                    headers.Vary = HeaderNames.AcceptEncoding;
                }

                if (encoding is not null)
                {
                    headers.ContentEncoding = encoding;
                }

                return TypedResults.File(sent.CreateReadStream(), type, lastModified: file.LastModified);
            }

            if (LooksLikeAsset(path))
            {
                return ApiError.NotFound($"The Connect UI has no file '{path}'.");
            }
        }

        var html = page.IndexHtml();
        if (html is null)
        {
            return new ApiError(StatusCodes.Status503ServiceUnavailable, ErrorCodes.NotFound,
                "The Connect UI is not built. Run `npm ci --prefix web && npm run build -w @latchkey/connect-ui --prefix web`, or build the server with npm on PATH.");
        }

        var origins = await environments.AllAllowedOriginsAsync(cancellationToken);
        headers[HeaderNames.ContentSecurityPolicy] = page.ContentSecurityPolicy(html, origins, urls.Server);
        headers.CacheControl = "no-cache";
        headers.Vary = HeaderNames.AcceptEncoding;
        var pageEncoding = PrecompressedFiles.ChooseEncoding(context.Request);
        if (pageEncoding is not null)
        {
            headers.ContentEncoding = pageEncoding;
        }

        return TypedResults.Bytes(html.Body(pageEncoding), "text/html; charset=utf-8");
    }

    // A path whose last segment has an extension, or anything under assets/, names a file: answering index.html for a
    // missing script would hide the real error behind a MIME-type failure.
    private static bool LooksLikeAsset(string path) =>
        path.StartsWith("assets/", StringComparison.Ordinal) || Path.HasExtension(path.AsSpan(path.LastIndexOf('/') + 1));
}
