using System.Text.Json.Nodes;

namespace Latchkey.Server.Audit;

/// <summary>
/// What changed, as the audit trail keeps it: <c>{"field": {"from": …, "to": …}}</c> for plain values, and only a
/// word for secrets (<see cref="SecretChange"/>), so no entry ever holds a secret value.
/// </summary>
public static class AuditChanges
{
    /// <summary>The fields whose values differ between two views of an object (nested objects by dotted path).</summary>
    public static JsonObject Diff(JsonObject? before, JsonObject? after)
    {
        var changes = new JsonObject();
        Collect(before ?? [], after ?? [], "", changes);
        return changes;
    }

    /// <summary>"set", "changed" or "removed" for a secret, or null when it is the same; never the value.</summary>
    public static string? SecretChange(string? before, string? after) =>
        string.Equals(before, after, StringComparison.Ordinal) ? null
        : string.IsNullOrEmpty(before) ? "set"
        : string.IsNullOrEmpty(after) ? "removed"
        : "changed";

    private static void Collect(JsonObject before, JsonObject after, string prefix, JsonObject changes)
    {
        foreach (var name in before.Select(p => p.Key).Union(after.Select(p => p.Key)).Order(StringComparer.Ordinal))
        {
            var old = before[name];
            var now = after[name];
            if (old is JsonObject oldObject && now is JsonObject newObject)
            {
                Collect(oldObject, newObject, prefix + name + ".", changes);
            }
            else if (!JsonNode.DeepEquals(old, now))
            {
                changes[prefix + name] = new JsonObject { ["from"] = old?.DeepClone(), ["to"] = now?.DeepClone() };
            }
        }
    }
}
