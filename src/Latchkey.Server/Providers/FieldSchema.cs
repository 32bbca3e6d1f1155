using System.Text.Json.Nodes;

namespace Latchkey.Server.Providers;

/// <summary>A field of <c>connection_config</c>, <c>credentials</c> or <c>integration_config</c> (spec §8.3).</summary>
public sealed record FieldSchema(
    string Name,
    string? Title,
    string? Pattern,
    bool Optional,
    bool Automated,
    string? DefaultValue,
    IReadOnlyList<string>? Enum)
{
    public static FieldSchema From(string name, JsonObject field) => new(
        name,
        field.GetString("title"),
        field.GetString("pattern"),
        field.GetFlag("optional"),
        field.GetFlag("automated"),
        field.GetString("default_value"),
        field["enum"] is JsonArray values ? values.Select(v => v?.ToString() ?? "").ToArray() : null);
}
