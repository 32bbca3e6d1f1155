using Latchkey.Server.Providers;

namespace Latchkey.Server.Tests.Providers;

/// <summary>
/// An integration created against the reference catalog's key must work here unchanged: where both catalogs have a
/// provider, the auth mode and the connection-setting names agree. reference-provider-keys.tsv holds the reference
/// catalog's key names, modes and field names only (no entry data).
/// </summary>
public sealed class ReferenceKeyTests
{
    private static readonly ProviderCatalog BuiltIn = ProvidersFeature.LoadCatalog(new ProvidersOptions());

    private static readonly Dictionary<string, string[]> Reference = File.ReadLines(Path.Combine(AppContext.BaseDirectory, "Providers", "reference-provider-keys.tsv"))
        .Where(line => !line.StartsWith('#') && !line.StartsWith("key\t", StringComparison.Ordinal))
        .Select(line => line.Split('\t'))
        .ToDictionary(columns => columns[0], StringComparer.Ordinal);

    [Fact]
    public void SharedKeys_HaveTheReferenceAuthMode()
    {
        var shared = BuiltIn.All.Where(p => Reference.ContainsKey(p.Name)).ToList();

        Assert.True(shared.Count >= 250, $"only {shared.Count} keys shared with the reference catalog");
        Assert.Empty(shared.Where(p => p.AuthMode != ModeOf(p.Name)).Select(p => $"{p.Name}: {p.AuthMode}, reference {ModeOf(p.Name)}"));
    }

    [Fact]
    public void SharedKeys_DeclareTheReferenceConnectionSettings()
    {
        var missing = BuiltIn.All.Where(p => Reference.ContainsKey(p.Name))
            .SelectMany(p => Names(Reference[p.Name], 5).Where(field => !p.ConnectionConfigFields.ContainsKey(field)).Select(field => $"{p.Name}: {field}"))
            .ToList();

        Assert.True(missing.Count == 0, string.Join("; ", missing));
    }

    // The mode of a key, following the reference's alias column when its own mode is blank.
    private static string ModeOf(string key) =>
        Reference[key] is var row && row[1].Length > 0 ? row[1] : row.Length > 2 && Reference.ContainsKey(row[2]) ? ModeOf(row[2]) : "";

    private static string[] Names(string[] row, int column) =>
        row.Length > column ? row[column].Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries) : [];
}
