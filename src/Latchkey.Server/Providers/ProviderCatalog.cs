using System.Text.Json.Nodes;

namespace Latchkey.Server.Providers;

/// <summary>The providers this server knows: the embedded catalog with LATCHKEY_PROVIDERS_FILE merged over it.</summary>
public sealed class ProviderCatalog
{
    private readonly Dictionary<string, Provider> _providers;

    public ProviderCatalog(IEnumerable<Provider> providers, IReadOnlyList<string>? skipped = null, IReadOnlyDictionary<string, int>? ignoredKeys = null)
    {
        _providers = providers.ToDictionary(p => p.Name, StringComparer.Ordinal);
        All = _providers.Values.OrderBy(p => p.Name, StringComparer.Ordinal).ToArray();
        Skipped = skipped ?? [];
        IgnoredKeys = ignoredKeys ?? new Dictionary<string, int>();
    }

    /// <summary>Every provider, ordered by name.</summary>
    public IReadOnlyList<Provider> All { get; }

    /// <summary>One sentence per entry that was left out, naming it and saying why.</summary>
    public IReadOnlyList<string> Skipped { get; }

    /// <summary>Keys of the loaded entries that this server accepts but does not act on, with how many entries use each.</summary>
    public IReadOnlyDictionary<string, int> IgnoredKeys { get; }

    public bool TryGet(string name, out Provider provider) => _providers.TryGetValue(name, out provider!);

    public Provider? Find(string name) => _providers.GetValueOrDefault(name);

    public static ProviderCatalog Load(string builtInYaml, string? overrideYaml, string overrideSource = "LATCHKEY_PROVIDERS_FILE") =>
        Load([("built-in catalog", builtInYaml)], overrideYaml, overrideSource);

    /// <summary>
    /// Parses and merges the catalogs. An entry of the override file replaces the built-in entry of the same name
    /// whole (no deep merge, so an override never inherits a stale URL); aliases are resolved by shallow merge through
    /// chains (spec §8.1); then each entry is checked on its own. A bad entry is left out and named in
    /// <see cref="Skipped"/> (a bad override falls back to the built-in entry it replaced), so one mistake never takes
    /// the catalog down. Only a file that cannot be read as a catalog at all throws.
    /// </summary>
    public static ProviderCatalog Load(IReadOnlyList<(string Source, string Yaml)> builtIn, string? overrideYaml, string overrideSource = "LATCHKEY_PROVIDERS_FILE")
    {
        var skipped = new List<string>();
        var builtInEntries = new JsonObject();
        foreach (var (source, yaml) in builtIn)
        {
            foreach (var (name, entry) in YamlToJson.ParseMapping(yaml, source))
            {
                if (!builtInEntries.TryAdd(name, entry?.DeepClone()))
                {
                    skipped.Add($"{name} ({source}): defined twice in the built-in catalog; the first definition is kept");
                }
            }
        }

        var overrides = overrideYaml is null ? [] : YamlToJson.ParseMapping(overrideYaml, overrideSource);
        var merged = builtInEntries.DeepClone().AsObject();
        foreach (var (name, entry) in overrides)
        {
            merged[name] = entry?.DeepClone();
        }

        var providers = new List<Provider>();
        foreach (var (name, _) in merged)
        {
            var fromOverride = overrides.ContainsKey(name);
            var problem = TryBuild(name, merged, out var provider);
            if (problem is not null && fromOverride && builtInEntries.ContainsKey(name) && TryBuild(name, builtInEntries, out var original) is null)
            {
                skipped.Add($"{name} ({overrideSource}): {problem}; the built-in entry is used instead");
                providers.Add(original!);
                continue;
            }

            if (problem is not null)
            {
                skipped.Add($"{name} ({(fromOverride ? overrideSource : "built-in catalog")}): {problem}");
                continue;
            }

            providers.Add(provider!);
        }

        return new ProviderCatalog(providers, skipped, CatalogSchema.IgnoredKeysOf(providers));
    }

    // The provider of one name after alias resolution, or the sentence saying why it cannot be used.
    private static string? TryBuild(string name, JsonObject entries, out Provider? provider)
    {
        provider = null;
        if (entries[name] is not JsonObject entry)
        {
            return "an entry must be a mapping";
        }

        var resolved = ResolveAlias(name, entry, entries, out var problem);
        problem ??= resolved is null ? null : CatalogSchema.Check(name, resolved);
        if (problem is null)
        {
            provider = new Provider(name, resolved!);
        }

        return problem;
    }

    // Shallow merge along the alias chain: each entry's own keys win over the ones it inherits.
    private static JsonObject? ResolveAlias(string name, JsonObject entry, JsonObject entries, out string? problem)
    {
        problem = null;
        var chain = new List<JsonObject> { entry };
        var seen = new HashSet<string>(StringComparer.Ordinal) { name };
        for (var current = entry; current.GetString("alias") is { } alias; current = chain[^1])
        {
            if (!seen.Add(alias))
            {
                problem = $"its alias chain loops back to '{alias}'";
                return null;
            }

            if (entries[alias] is not JsonObject target)
            {
                problem = $"alias '{alias}' names no provider";
                return null;
            }

            chain.Add(target);
        }

        var resolved = new JsonObject();
        for (var i = chain.Count - 1; i >= 0; i--)
        {
            foreach (var (key, value) in chain[i])
            {
                if (key != "alias")
                {
                    resolved[key] = value?.DeepClone();
                }
            }
        }

        return resolved;
    }
}
