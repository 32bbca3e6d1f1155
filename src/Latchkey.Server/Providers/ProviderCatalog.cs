using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace Latchkey.Server.Providers;

/// <summary>The providers this server knows: the embedded catalog with LATCHKEY_PROVIDERS_FILE merged over it.</summary>
public sealed partial class ProviderCatalog
{
    private readonly Dictionary<string, Provider> _providers;

    public ProviderCatalog(IEnumerable<Provider> providers)
    {
        _providers = providers.ToDictionary(p => p.Name, StringComparer.Ordinal);
        All = _providers.Values.OrderBy(p => p.Name, StringComparer.Ordinal).ToArray();
    }

    /// <summary>Every provider, ordered by name.</summary>
    public IReadOnlyList<Provider> All { get; }

    public bool TryGet(string name, out Provider provider) => _providers.TryGetValue(name, out provider!);

    public Provider? Find(string name) => _providers.GetValueOrDefault(name);

    /// <summary>
    /// Parses and merges the catalogs: an entry of the override file replaces the built-in entry of the same name
    /// whole (no deep merge, so an override never inherits a stale URL), then aliases are resolved by shallow merge
    /// (spec §8.1) and every entry is checked. All problems are reported together.
    /// </summary>
    public static ProviderCatalog Load(string builtInYaml, string? overrideYaml, string overrideSource = "LATCHKEY_PROVIDERS_FILE") =>
        Load([("built-in catalog", builtInYaml)], overrideYaml, overrideSource);

    /// <summary>The same, with the built-in catalog in several files: a provider name may appear in only one of them.</summary>
    public static ProviderCatalog Load(IReadOnlyList<(string Source, string Yaml)> builtIn, string? overrideYaml, string overrideSource = "LATCHKEY_PROVIDERS_FILE")
    {
        var entries = new JsonObject();
        var duplicates = new List<string>();
        foreach (var (source, yaml) in builtIn)
        {
            foreach (var (name, entry) in YamlToJson.ParseMapping(yaml, source))
            {
                if (entries.ContainsKey(name))
                {
                    duplicates.Add($"{name}: defined twice in the built-in catalog (again in {source})");
                    continue;
                }

                entries[name] = entry?.DeepClone();
            }
        }

        if (overrideYaml is not null)
        {
            foreach (var (name, entry) in YamlToJson.ParseMapping(overrideYaml, overrideSource))
            {
                entries[name] = entry?.DeepClone();
            }
        }

        var problems = duplicates;
        var providers = new List<Provider>();
        foreach (var (name, node) in entries)
        {
            if (node is not JsonObject entry)
            {
                problems.Add($"{name}: an entry must be a mapping");
                continue;
            }

            var resolved = ResolveAlias(name, entry, entries, problems);
            if (resolved is null)
            {
                continue;
            }

            Check(name, resolved, problems);
            providers.Add(new Provider(name, resolved));
        }

        if (problems.Count > 0)
        {
            throw new CatalogException("The provider catalog has problems:\n  " + string.Join("\n  ", problems));
        }

        return new ProviderCatalog(providers);
    }

    private static JsonObject? ResolveAlias(string name, JsonObject entry, JsonObject entries, List<string> problems)
    {
        var alias = entry.GetString("alias");
        if (alias is null)
        {
            return entry;
        }

        if (entries[alias] is not JsonObject target)
        {
            problems.Add($"{name}: alias '{alias}' names no provider");
            return null;
        }

        if (target.GetString("alias") is not null)
        {
            problems.Add($"{name}: alias '{alias}' is itself an alias; point at the original entry");
            return null;
        }

        var merged = target.DeepClone().AsObject();
        foreach (var (key, value) in entry)
        {
            if (key != "alias")
            {
                merged[key] = value?.DeepClone();
            }
        }

        return merged;
    }

    private static void Check(string name, JsonObject entry, List<string> problems)
    {
        if (!NamePattern().IsMatch(name))
        {
            problems.Add($"{name}: provider names may contain only lower-case letters, digits and '-'");
        }

        if (string.IsNullOrWhiteSpace(entry.GetString("display_name")))
        {
            problems.Add($"{name}: display_name is required");
        }

        if (string.IsNullOrWhiteSpace(entry.GetString("docs")))
        {
            problems.Add($"{name}: docs is required");
        }

        var mode = entry.GetString("auth_mode");
        if (mode is null || !AuthModes.All.Contains(mode))
        {
            problems.Add($"{name}: auth_mode must be one of {string.Join(", ", AuthModes.All.Order(StringComparer.Ordinal))}");
        }
        else if (mode is AuthModes.OAuth2 && entry.GetString("installation") is null &&
                 (entry.GetString("authorization_url") is null || entry["token_url"] is null))
        {
            problems.Add($"{name}: OAUTH2 providers need authorization_url and token_url");
        }
        else if (mode is AuthModes.OAuth1 &&
                 (entry.GetString("request_url") is null || entry.GetString("authorization_url") is null || entry["token_url"] is null))
        {
            problems.Add($"{name}: OAUTH1 providers need request_url, authorization_url and token_url");
        }
        else if (mode is AuthModes.OAuth2ClientCredentials && entry["token_url"] is null)
        {
            problems.Add($"{name}: OAUTH2_CC providers need token_url");
        }
    }

    [GeneratedRegex("^[a-z0-9-]+$")]
    private static partial Regex NamePattern();
}
