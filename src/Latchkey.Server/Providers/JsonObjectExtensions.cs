using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Latchkey.Server.Providers;

/// <summary>Tolerant readers for catalog entries, where YAML may give a flag as text or a number as a string.</summary>
public static class JsonObjectExtensions
{
    public static string? GetString(this JsonObject obj, string key) => obj[key] switch
    {
        JsonValue value when value.GetValueKind() == JsonValueKind.String => value.GetValue<string>(),
        JsonValue value => value.ToJsonString(),
        _ => null,
    };

    public static bool GetFlag(this JsonObject obj, string key) => obj[key] switch
    {
        JsonValue value when value.GetValueKind() is JsonValueKind.True or JsonValueKind.False => value.GetValue<bool>(),
        JsonValue value when value.GetValueKind() == JsonValueKind.String => string.Equals(value.GetValue<string>(), "true", StringComparison.OrdinalIgnoreCase),
        _ => false,
    };

    // A number parsed from YAML is held as a long or a double, one parsed from JSON as a JsonElement: all read alike.
    public static double? GetNumber(this JsonObject obj, string key) => obj[key] switch
    {
        JsonValue value when value.GetValueKind() == JsonValueKind.Number =>
            double.Parse(value.ToJsonString(), NumberStyles.Float, CultureInfo.InvariantCulture),
        JsonValue value when value.GetValueKind() == JsonValueKind.String &&
            double.TryParse(value.GetValue<string>(), NumberStyles.Float, CultureInfo.InvariantCulture, out var parsed) => parsed,
        _ => null,
    };

    /// <summary>A map of scalar values as strings (authorization_params, token_params, headers...).</summary>
    public static IReadOnlyDictionary<string, string> GetStringMap(this JsonObject obj, string key)
    {
        if (obj[key] is not JsonObject map)
        {
            return EmptyMap;
        }

        var result = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (name, value) in map)
        {
            if (value is JsonValue scalar)
            {
                result[name] = scalar.GetValueKind() == JsonValueKind.String ? scalar.GetValue<string>() : scalar.ToJsonString();
            }
        }

        return result;
    }

    public static IReadOnlyList<string> GetStringList(this JsonObject obj, string key) => obj[key] switch
    {
        JsonArray array => array.Select(item => item?.ToString() ?? "").Where(item => item.Length > 0).ToArray(),
        JsonValue value when value.GetValueKind() == JsonValueKind.String => [value.GetValue<string>()],
        _ => [],
    };

    /// <summary>The node at a dot path of a provider's answer (<c>0.id</c>, <c>data.token</c>): array indices allowed.</summary>
    public static JsonNode? AtPath(this JsonNode? node, string path)
    {
        foreach (var segment in path.Split('.'))
        {
            node = node switch
            {
                JsonArray array when int.TryParse(segment, NumberStyles.None, CultureInfo.InvariantCulture, out var index) && index < array.Count => array[index],
                JsonObject obj => obj[segment],
                _ => null,
            };
        }

        return node;
    }

    private static readonly IReadOnlyDictionary<string, string> EmptyMap = new Dictionary<string, string>();
}
