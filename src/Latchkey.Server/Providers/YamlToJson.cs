using System.Globalization;
using System.Text.Json.Nodes;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace Latchkey.Server.Providers;

/// <summary>
/// Turns a YAML document into a JSON tree with YAML 1.2 core-schema typing of plain scalars (true/false, numbers,
/// null); quoted scalars always stay strings. The catalog is served as JSON verbatim, so types must survive.
/// </summary>
public static class YamlToJson
{
    public static JsonObject ParseMapping(string yaml, string sourceName)
    {
        var stream = new YamlStream();
        try
        {
            stream.Load(new StringReader(yaml));
        }
        catch (YamlException exception)
        {
            throw new CatalogException($"{sourceName}: invalid YAML at line {exception.Start.Line}: {exception.Message}");
        }

        if (stream.Documents.Count == 0)
        {
            return [];
        }

        return Convert(stream.Documents[0].RootNode) as JsonObject
            ?? throw new CatalogException($"{sourceName}: the top level must be a mapping of provider names to entries.");
    }

    private static JsonNode? Convert(YamlNode node) => node switch
    {
        YamlMappingNode mapping => ConvertMapping(mapping),
        YamlSequenceNode sequence => new JsonArray(sequence.Children.Select(Convert).ToArray()),
        YamlScalarNode scalar => ConvertScalar(scalar),
        _ => null,
    };

    private static JsonObject ConvertMapping(YamlMappingNode mapping)
    {
        var result = new JsonObject();
        foreach (var (key, value) in mapping.Children)
        {
            var name = (key as YamlScalarNode)?.Value ?? throw new CatalogException($"Only text keys are allowed (line {key.Start.Line}).");
            if (result.ContainsKey(name))
            {
                throw new CatalogException($"Duplicate key '{name}' at line {key.Start.Line}.");
            }

            result[name] = Convert(value);
        }

        return result;
    }

    private static JsonValue? ConvertScalar(YamlScalarNode scalar)
    {
        var text = scalar.Value ?? "";
        if (scalar.Style != ScalarStyle.Plain)
        {
            return JsonValue.Create(text);
        }

        switch (text)
        {
            case "" or "~" or "null" or "Null" or "NULL":
                return null;
            case "true" or "True" or "TRUE":
                return JsonValue.Create(true);
            case "false" or "False" or "FALSE":
                return JsonValue.Create(false);
        }

        if (long.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var integer))
        {
            return JsonValue.Create(integer);
        }

        if (text.Any(char.IsDigit) && double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var number) && !text.Contains(':', StringComparison.Ordinal))
        {
            return JsonValue.Create(number);
        }

        return JsonValue.Create(text);
    }
}

/// <summary>The catalog (built-in or LATCHKEY_PROVIDERS_FILE) is invalid; the message says where.</summary>
public sealed class CatalogException(string message) : Exception(message);
