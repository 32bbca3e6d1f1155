using System.Reflection;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace Latchkey.Server.Providers;

/// <summary>
/// The catalog's common field titles and descriptions in the Connect UI's other languages (<c>Providers/Texts/&lt;lang&gt;.yaml</c>,
/// embedded), so a provider's form reads in the user's language. Keys are the English text exactly as the catalog
/// writes it; <c>{Name}</c> stands for one capitalised word (a product) and <c>{domain}</c> for one word without
/// spaces, carried into the translation unchanged. A text without a translation stays English.
/// </summary>
public sealed partial class ProviderTexts
{
    private static readonly string[] FieldSections = ["credentials", "connection_config", "integration_config", "assertion_option"];

    private readonly Dictionary<string, Language> _languages;

    private ProviderTexts(Dictionary<string, Language> languages) => _languages = languages;

    /// <summary>The languages with translations (English, the catalog's own, is not one of them).</summary>
    public IReadOnlyCollection<string> Languages => _languages.Keys;

    public static ProviderTexts LoadBuiltIn()
    {
        const string Prefix = "Latchkey.ProviderTexts.";
        var assembly = Assembly.GetExecutingAssembly();
        var languages = new Dictionary<string, Language>(StringComparer.Ordinal);
        foreach (var resource in assembly.GetManifestResourceNames().Where(name => name.StartsWith(Prefix, StringComparison.Ordinal)))
        {
            using var reader = new StreamReader(assembly.GetManifestResourceStream(resource)!);
            var code = resource[Prefix.Length..^".yaml".Length];
            languages[code] = Language.Parse(YamlToJson.ParseMapping(reader.ReadToEnd(), "Texts/" + code + ".yaml"));
        }

        return new ProviderTexts(languages);
    }

    /// <summary>
    /// The language a request asks for: its <c>lang</c> parameter (the Connect UI sends the one it shows), else the
    /// best of its Accept-Language header. Null means English, the catalog as written.
    /// </summary>
    public string? Choose(HttpRequest request)
    {
        if (request.Query["lang"] is { Count: > 0 } parameter)
        {
            return Supported(parameter[^1]);
        }

        foreach (var wanted in request.GetTypedHeaders().AcceptLanguage.OrderByDescending(value => value.Quality ?? 1))
        {
            if (Supported(wanted.Value.Value) is { } language)
            {
                return language;
            }

            if (wanted.Value.Value?.StartsWith("en", StringComparison.OrdinalIgnoreCase) == true)
            {
                return null;
            }
        }

        return null;
    }

    /// <summary>Replaces, in a provider object, each field title and description that has a translation.</summary>
    public JsonObject Localize(JsonObject provider, string language)
    {
        if (!_languages.TryGetValue(language, out var texts))
        {
            return provider;
        }

        foreach (var section in FieldSections)
        {
            if (provider[section] is not JsonObject fields)
            {
                continue;
            }

            foreach (var (_, node) in fields)
            {
                if (node is JsonObject field)
                {
                    Replace(field, "title", texts.Titles);
                    Replace(field, "description", texts.Descriptions);
                }
            }
        }

        return provider;
    }

    /// <summary>The translation of one title, or null.</summary>
    public string? Title(string language, string english) => _languages.GetValueOrDefault(language)?.Titles.Translate(english);

    /// <summary>The translation of one description, or null.</summary>
    public string? Description(string language, string english) => _languages.GetValueOrDefault(language)?.Descriptions.Translate(english);

    private string? Supported(string? tag)
    {
        var primary = tag?.Split('-', '_')[0].Trim().ToLowerInvariant();
        return primary is not null && _languages.ContainsKey(primary) ? primary : null;
    }

    private static void Replace(JsonObject field, string key, Texts texts)
    {
        if (field[key] is JsonValue value && value.TryGetValue<string>(out var english) && texts.Translate(english) is { } translated)
        {
            field[key] = translated;
        }
    }

    private sealed record Language(Texts Titles, Texts Descriptions)
    {
        public static Language Parse(JsonObject document) => new(Texts.Parse(document["titles"] as JsonObject), Texts.Parse(document["descriptions"] as JsonObject));
    }

    private sealed class Texts
    {
        private readonly Dictionary<string, string> _exact = new(StringComparer.Ordinal);
        private readonly List<(Regex English, string Translation)> _patterns = [];

        public static Texts Parse(JsonObject? entries)
        {
            var texts = new Texts();
            foreach (var (english, node) in entries ?? [])
            {
                var translation = node?.GetValue<string>() ?? "";
                if (english.Contains('{', StringComparison.Ordinal))
                {
                    texts._patterns.Add((Compile(english), translation));
                }
                else
                {
                    texts._exact[english] = translation;
                }
            }

            return texts;
        }

        // An exact text first, then the first pattern that matches the whole text.
        public string? Translate(string english)
        {
            if (_exact.TryGetValue(english, out var exact))
            {
                return exact;
            }

            foreach (var (pattern, translation) in _patterns)
            {
                var match = pattern.Match(english);
                if (match.Success)
                {
                    return Placeholder().Replace(translation, found => match.Groups[found.Groups[1].Value].Value);
                }
            }

            return null;
        }

        private static Regex Compile(string english)
        {
            var pattern = Regex.Escape(english)
                .Replace(@"\{Name}", "(?<Name>[A-Z][A-Za-z0-9]*)", StringComparison.Ordinal)
                .Replace(@"\{domain}", @"(?<domain>\S+)", StringComparison.Ordinal);
            return new Regex("^" + pattern + "$", RegexOptions.CultureInvariant | RegexOptions.ExplicitCapture, TimeSpan.FromSeconds(1));
        }
    }

    [GeneratedRegex(@"\{(Name|domain)\}")]
    private static partial Regex Placeholder();
}
