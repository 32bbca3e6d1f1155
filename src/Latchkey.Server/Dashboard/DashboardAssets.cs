using System.Collections.Frozen;

namespace Latchkey.Server.Dashboard;

/// <summary>The dashboard's script and style sheet, embedded in the server (Dashboard/Assets) and served from memory.</summary>
public static class DashboardAssets
{
    private static readonly FrozenDictionary<string, (string Text, string ContentType)> Files = Load();

    public static IResult Serve(string file) =>
        Files.TryGetValue(file, out var asset) ? Results.Text(asset.Text, asset.ContentType) : DashboardAccess.NotFoundPage();

    private static FrozenDictionary<string, (string, string)> Load()
    {
        const string Prefix = "Latchkey.Dashboard.";
        var assembly = typeof(DashboardAssets).Assembly;
        return assembly.GetManifestResourceNames()
            .Where(name => name.StartsWith(Prefix, StringComparison.Ordinal))
            .ToFrozenDictionary(name => name[Prefix.Length..], name =>
            {
                using var reader = new StreamReader(assembly.GetManifestResourceStream(name)!);
                var contentType = name.EndsWith(".css", StringComparison.Ordinal) ? "text/css" : "text/javascript";
                return (reader.ReadToEnd(), contentType);
            }, StringComparer.Ordinal);
    }
}
