using System.Text.Json.Nodes;

namespace Latchkey.Server.Providers;

/// <summary>
/// The values a catalog template can reference: <c>connectionConfig.x</c>, <c>credentials.x</c> and bare names such
/// as <c>apiKey</c> or <c>accessToken</c> (spec §5.13). Empty values count as missing.
/// </summary>
public sealed class TemplateValues
{
    private readonly Dictionary<string, string> _values = new(StringComparer.Ordinal);

    public TemplateValues Set(string name, string? value)
    {
        if (!string.IsNullOrEmpty(value))
        {
            _values[name] = value;
        }

        return this;
    }

    /// <summary>Values of the connection config, for <c>${connectionConfig.x}</c> in URLs and parameters.</summary>
    public static TemplateValues Of(JsonObject connectionConfig)
    {
        var values = new TemplateValues();
        foreach (var (key, value) in connectionConfig)
        {
            if (value is JsonValue scalar)
            {
                values.Set($"connectionConfig.{key}", scalar.ToString());
            }
        }

        return values;
    }

    public string? Find(string path)
    {
        if (_values.TryGetValue(path, out var value))
        {
            return value;
        }

        // URL templates may name a connection-config or credential field with or without its prefix.
        foreach (var prefix in Prefixes)
        {
            if (_values.TryGetValue(prefix + path, out value))
            {
                return value;
            }

            if (path.StartsWith(prefix, StringComparison.Ordinal) && _values.TryGetValue(path[prefix.Length..], out value))
            {
                return value;
            }
        }

        return null;
    }

    private static readonly string[] Prefixes = ["connectionConfig.", "credentials."];
}
