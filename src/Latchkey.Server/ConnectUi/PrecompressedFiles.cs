using Microsoft.Extensions.FileProviders;
using Microsoft.Net.Http.Headers;

namespace Latchkey.Server.ConnectUi;

/// <summary>
/// The copies of a built file that the Connect UI build compresses ahead of time (<c>name.br</c>, <c>name.gz</c>,
/// see <c>web/connect-ui/vite.config.ts</c>): the smallest one the request accepts is sent as it is, so serving
/// costs no compression work. A build without them (e.g. a customised one) is served uncompressed.
/// </summary>
internal static class PrecompressedFiles
{
    // Best first: brotli is ~10 % smaller than gzip on these files.
    private static readonly (string Encoding, string Suffix)[] Encodings = [("br", ".br"), ("gzip", ".gz")];

    /// <summary>The file to send and its Content-Encoding (null: the file itself); whether any copy exists (Vary).</summary>
    public static (IFileInfo File, string? Encoding, bool HasCopies) Choose(IFileProvider files, string path, IFileInfo original, HttpRequest request)
    {
        var accepted = request.GetTypedHeaders().AcceptEncoding;
        var hasCopies = false;
        foreach (var (encoding, suffix) in Encodings)
        {
            var copy = files.GetFileInfo(path + suffix);
            if (copy is not { Exists: true, IsDirectory: false })
            {
                continue;
            }

            hasCopies = true;
            if (Accepts(accepted, encoding))
            {
                return (copy, encoding, true);
            }
        }

        return (original, null, hasCopies);
    }

    /// <summary>The best encoding the request accepts, for content compressed in every one of them (index.html).</summary>
    public static string? ChooseEncoding(HttpRequest request)
    {
        var accepted = request.GetTypedHeaders().AcceptEncoding;
        return Encodings.Select(pair => pair.Encoding).FirstOrDefault(encoding => Accepts(accepted, encoding));
    }

    // Named with a quality above zero; a bare `*` is not taken as either, since a client that says only that may not know br.
    private static bool Accepts(IList<StringWithQualityHeaderValue> accepted, string encoding) =>
        accepted.Any(value => value.Value.Equals(encoding, StringComparison.OrdinalIgnoreCase) && value.Quality is not 0);
}
