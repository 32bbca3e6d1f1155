using System.Text.Json;
using System.Text.Json.Nodes;

namespace Latchkey.Server.Hosting.Validation;

/// <summary>
/// Reads one JSON object field by field, recording a zod-shaped issue (code, message, path) for every problem:
/// a missing required field, a wrong type, a bound or pattern violation, and — for strict objects — unknown keys.
/// Readers return <c>null</c> for a field that is absent or invalid; callers check <see cref="Validator.HasErrors"/>.
/// </summary>
public readonly struct JsonObjectReader
{
    private readonly JsonElement _element;
    private readonly string[] _path;

    private JsonObjectReader(JsonElement element, string[] path, Validator validator)
    {
        _element = element;
        _path = path;
        Validator = validator;
    }

    public Validator Validator { get; }

    public IReadOnlyList<string> Path => _path;

    public JsonElement Element => _element;

    /// <summary>Starts reading a request body. <paramref name="allowedKeys"/> null means the object is open.</summary>
    public static JsonObjectReader? Root(JsonElement element, Validator validator, string[]? allowedKeys) =>
        Create(element, [], validator, allowedKeys);

    public bool Has(string key) => _element.TryGetProperty(key, out _);

    public IEnumerable<string> Keys()
    {
        foreach (var property in _element.EnumerateObject())
        {
            yield return property.Name;
        }
    }

    public string? Text(string key, StringRule rule, bool required = false)
    {
        if (!TryGet(key, required, out var value))
        {
            return null;
        }

        return CheckString(value, At(key), rule);
    }

    public bool? Boolean(string key, bool required = false)
    {
        if (!TryGet(key, required, out var value))
        {
            return null;
        }

        if (value.ValueKind is JsonValueKind.True or JsonValueKind.False)
        {
            return value.GetBoolean();
        }

        TypeMismatch(At(key), "boolean", value);
        return null;
    }

    public int? WholeNumber(string key, int min, int max, bool required = false)
    {
        if (!TryGet(key, required, out var value))
        {
            return null;
        }

        if (value.ValueKind != JsonValueKind.Number || !value.TryGetInt32(out var number))
        {
            TypeMismatch(At(key), "integer", value);
            return null;
        }

        if (number < min || number > max)
        {
            Validator.Add(number < min ? IssueCodes.TooSmall : IssueCodes.TooBig, $"must be between {min} and {max}", At(key));
            return null;
        }

        return number;
    }

    /// <summary>A nested object; strict when <paramref name="allowedKeys"/> is given.</summary>
    public JsonObjectReader? Nested(string key, string[]? allowedKeys, bool required = false)
    {
        if (!TryGet(key, required, out var value))
        {
            return null;
        }

        return Create(value, At(key), Validator, allowedKeys);
    }

    /// <summary>An open object kept as a JSON tree (metadata, connection config).</summary>
    public JsonObject? OpenObject(string key, bool required = false)
    {
        if (!TryGet(key, required, out var value))
        {
            return null;
        }

        if (value.ValueKind != JsonValueKind.Object)
        {
            TypeMismatch(At(key), "object", value);
            return null;
        }

        return JsonNode.Parse(value.GetRawText())!.AsObject();
    }

    public IReadOnlyList<string>? StringArray(string key, StringRule itemRule, bool required = false, int maxItems = InputLimits.ListItems)
    {
        if (!TryGet(key, required, out var value))
        {
            return null;
        }

        if (value.ValueKind != JsonValueKind.Array)
        {
            TypeMismatch(At(key), "array", value);
            return null;
        }

        var length = value.GetArrayLength();
        if (length > maxItems)
        {
            Validator.Add(IssueCodes.TooBig, $"must contain at most {maxItems} items", At(key));
            return null;
        }

        var items = new List<string>(length);
        var index = 0;
        foreach (var item in value.EnumerateArray())
        {
            var text = CheckString(item, At(key, index.ToString(System.Globalization.CultureInfo.InvariantCulture)), itemRule);
            if (text is not null)
            {
                items.Add(text);
            }

            index++;
        }

        return items;
    }

    /// <summary>A record of string values (<c>record&lt;string,string&gt;</c> in the spec).</summary>
    public IReadOnlyDictionary<string, string>? StringRecord(string key, StringRule valueRule, bool required = false)
    {
        var reader = Nested(key, allowedKeys: null, required);
        if (reader is not { } record)
        {
            return null;
        }

        var result = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var property in record._element.EnumerateObject())
        {
            var text = CheckString(property.Value, record.At(property.Name), valueRule);
            if (text is not null)
            {
                result[property.Name] = text;
            }
        }

        return result;
    }

    /// <summary>A record whose values are objects, each read by the caller.</summary>
    public IReadOnlyList<(string Key, JsonObjectReader Value)>? ObjectRecord(string key, string[]? allowedValueKeys)
    {
        var reader = Nested(key, allowedKeys: null);
        if (reader is not { } record)
        {
            return null;
        }

        var result = new List<(string, JsonObjectReader)>();
        foreach (var property in record._element.EnumerateObject())
        {
            if (Create(property.Value, record.At(property.Name), Validator, allowedValueKeys) is { } value)
            {
                result.Add((property.Name, value));
            }
        }

        return result;
    }

    public string[] At(params string[] more) => [.. _path, .. more];

    public void Fail(string key, string code, string message) => Validator.Add(code, message, At(key));

    private bool TryGet(string key, bool required, out JsonElement value)
    {
        if (_element.TryGetProperty(key, out value) && value.ValueKind != JsonValueKind.Undefined)
        {
            // JSON null on an optional field reads as "absent", which is what clients that serialise nulls mean.
            if (value.ValueKind == JsonValueKind.Null && !required)
            {
                return false;
            }

            if (value.ValueKind != JsonValueKind.Null)
            {
                return true;
            }
        }

        if (required)
        {
            Validator.Add(IssueCodes.InvalidType, "Required", At(key));
        }

        return false;
    }

    private string? CheckString(JsonElement value, string[] path, StringRule rule)
    {
        if (value.ValueKind != JsonValueKind.String)
        {
            TypeMismatch(path, "string", value);
            return null;
        }

        var text = value.GetString()!;
        if (text.Length < rule.Min)
        {
            Validator.Add(IssueCodes.TooSmall, rule.Min == 1 ? "must not be empty" : $"must be at least {rule.Min} characters", path);
            return null;
        }

        if (text.Length > rule.Max)
        {
            Validator.Add(IssueCodes.TooBig, $"must be at most {rule.Max} characters", path);
            return null;
        }

        if (rule.Pattern is not null && text.Length > 0 && !rule.Pattern.IsMatch(text))
        {
            Validator.Add(IssueCodes.InvalidFormat, rule.PatternMessage ?? "has an invalid format", path);
            return null;
        }

        return text;
    }

    private void TypeMismatch(string[] path, string expected, JsonElement actual) =>
        Validator.Add(IssueCodes.InvalidType, $"expected {expected}, received {Describe(actual)}", path);

    private static string Describe(JsonElement element) => element.ValueKind switch
    {
        JsonValueKind.Object => "object",
        JsonValueKind.Array => "array",
        JsonValueKind.String => "string",
        JsonValueKind.Number => "number",
        JsonValueKind.True or JsonValueKind.False => "boolean",
        JsonValueKind.Null => "null",
        _ => "undefined",
    };

    private static JsonObjectReader? Create(JsonElement element, string[] path, Validator validator, string[]? allowedKeys)
    {
        if (element.ValueKind != JsonValueKind.Object)
        {
            validator.Add(IssueCodes.InvalidType, $"expected object, received {Describe(element)}", path);
            return null;
        }

        if (allowedKeys is not null)
        {
            var unknown = element.EnumerateObject().Select(p => p.Name).Where(name => !allowedKeys.Contains(name, StringComparer.Ordinal)).ToArray();
            if (unknown.Length > 0)
            {
                validator.Add(IssueCodes.UnrecognizedKeys, $"Unrecognized key(s) in object: {string.Join(", ", unknown.Select(k => $"'{k}'"))}", path);
            }
        }

        return new JsonObjectReader(element, path, validator);
    }
}
