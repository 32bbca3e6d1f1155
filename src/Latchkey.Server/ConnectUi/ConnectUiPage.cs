using System.IO.Compression;
using System.Security.Cryptography;
using System.Text;
using System.Text.RegularExpressions;
using Microsoft.Extensions.FileProviders;
using Microsoft.Extensions.Options;

namespace Latchkey.Server.ConnectUi;

/// <summary>The built app's files, its <c>index.html</c> (re-read when the build changes) and the policy that goes with it.</summary>
public sealed partial class ConnectUiPage(IWebHostEnvironment environment, IOptions<ConnectUiOptions> options) : IDisposable
{
    private readonly string _folder = string.IsNullOrWhiteSpace(options.Value.Folder)
        ? Path.Combine(environment.WebRootPath ?? Path.Combine(environment.ContentRootPath, "wwwroot"), "connect-ui")
        : Path.GetFullPath(options.Value.Folder);

    private PhysicalFileProvider? _files;
    private IndexPage? _cached;

    /// <summary>The build's files; empty until the folder exists (a UI built after start-up is picked up).</summary>
    public IFileProvider Files
    {
        get
        {
            if (_files is null && Directory.Exists(_folder))
            {
                _files = new PhysicalFileProvider(_folder);
            }

            return (IFileProvider?)_files ?? new NullFileProvider();
        }
    }

    public void Dispose() => _files?.Dispose();

    public IndexPage? IndexHtml()
    {
        var file = Files.GetFileInfo("index.html");
        if (!file.Exists)
        {
            return null;
        }

        var cached = _cached;
        if (cached is not null && cached.LastModified == file.LastModified)
        {
            return cached;
        }

        using var reader = new StreamReader(file.CreateReadStream(), Encoding.UTF8);
        var text = reader.ReadToEnd();
        // The one inline script applies the theme before first paint; the policy allows exactly its hash.
        var hashes = InlineScript().Matches(text)
            .Select(match => "'sha256-" + Convert.ToBase64String(SHA256.HashData(Encoding.UTF8.GetBytes(match.Groups[1].Value))) + "'")
            .ToArray();
        var bytes = Encoding.UTF8.GetBytes(text);
        return _cached = new IndexPage(text, hashes, file.LastModified)
        {
            Utf8 = bytes,
            Brotli = Compress(bytes, stream => new BrotliStream(stream, CompressionLevel.SmallestSize)),
            Gzip = Compress(bytes, stream => new GZipStream(stream, CompressionLevel.SmallestSize)),
        };
    }

    // Once per build: the page is the same for every request (its policy travels in a header).
    private static byte[] Compress(byte[] content, Func<Stream, Stream> compressor)
    {
        using var output = new MemoryStream();
        using (var compressing = compressor(output))
        {
            compressing.Write(content);
        }

        return output.ToArray();
    }

    /// <summary>
    /// Everything from this server, nothing third-party. Frameable by the environments' allowed origins, or by anyone
    /// when no environment restricts it (spec §3.1: customers embed it). The API may sit at the public server URL.
    /// </summary>
    public string ContentSecurityPolicy(IndexPage page, IReadOnlyList<string> allowedOrigins, string serverUrl)
    {
        var websocket = serverUrl.StartsWith("https://", StringComparison.OrdinalIgnoreCase) ? "wss://" + serverUrl[8..] : "ws://" + serverUrl[7..];
        var ancestors = allowedOrigins.Count == 0 ? "*" : "'self' " + string.Join(' ', allowedOrigins);
        return string.Join("; ",
            "default-src 'self'",
            $"script-src 'self' {string.Join(' ', page.ScriptHashes)}".TrimEnd(),
            "style-src 'self'",
            $"img-src 'self' data: {serverUrl}",
            $"connect-src 'self' {serverUrl} {websocket}",
            "font-src 'self'",
            "object-src 'none'",
            "base-uri 'none'",
            "form-action 'none'",
            $"frame-ancestors {ancestors}");
    }

    [GeneratedRegex("<script>(.*?)</script>", RegexOptions.Singleline)]
    private static partial Regex InlineScript();

    public sealed record IndexPage(string Text, string[] ScriptHashes, DateTimeOffset LastModified)
    {
        public byte[] Utf8 { get; init; } = [];
        public byte[] Brotli { get; init; } = [];
        public byte[] Gzip { get; init; } = [];

        /// <summary>The page in <paramref name="encoding"/> (<c>br</c>, <c>gzip</c>), or as it is (UTF-8) when null.</summary>
        public byte[] Body(string? encoding) => encoding switch
        {
            "br" => Brotli,
            "gzip" => Gzip,
            _ => Utf8,
        };
    }
}
