using System.Globalization;
using Microsoft.Extensions.Primitives;

namespace Latchkey.Server.Hosting.Validation;

/// <summary>
/// Query-string reading with the reference's <c>qs</c> semantics (spec §1.3): ASP.NET already percent-decodes keys,
/// so <c>params%5Bdomain%5D</c> arrives as <c>params[domain]</c>; bracket keys are grouped by their prefix.
/// </summary>
public static class QueryRules
{
    /// <summary>Keys that are not in <paramref name="allowed"/> (bracket keys count by their prefix).</summary>
    public static string[] UnknownKeys(IQueryCollection query, params string[] allowed) =>
        query.Keys.Where(key => !allowed.Contains(Prefix(key), StringComparer.Ordinal)).ToArray();

    /// <summary>The spec's strict-query rule: an <c>invalid_query_params</c> error naming unknown keys, or null.</summary>
    public static ApiError? RejectUnknown(IQueryCollection query, params string[] allowed)
    {
        var unknown = UnknownKeys(query, allowed);
        if (unknown.Length == 0)
        {
            return null;
        }

        var message = $"Unrecognized key(s) in query: {string.Join(", ", unknown.Select(k => $"'{k}'"))}";
        return ApiError.Invalid(ErrorCodes.InvalidQueryParams, [new ValidationIssue(IssueCodes.UnrecognizedKeys, message, [])]);
    }

    /// <summary>Collects <c>name[key]=value</c> pairs into a map; the last value of a repeated key wins.</summary>
    public static Dictionary<string, string> Map(IQueryCollection query, string name)
    {
        var result = new Dictionary<string, string>(StringComparer.Ordinal);
        var open = name + "[";
        foreach (var (key, values) in query)
        {
            if (key.Length > open.Length + 1 && key.StartsWith(open, StringComparison.Ordinal) && key.EndsWith(']'))
            {
                var inner = key[open.Length..^1];
                if (!inner.Contains('[', StringComparison.Ordinal) && !StringValues.IsNullOrEmpty(values))
                {
                    result[inner] = values[^1]!;
                }
            }
        }

        return result;
    }

    /// <summary>A single optional value; the last one when repeated.</summary>
    public static string? Last(IQueryCollection query, string name) =>
        query.TryGetValue(name, out var values) && values.Count > 0 ? values[^1] : null;

    /// <summary>zod <c>stringbool</c>: true/false, 1/0, yes/no, on/off, y/n, enabled/disabled (spec §4.6).</summary>
    public static bool? ParseBool(string? text) => text?.ToLower(CultureInfo.InvariantCulture) switch
    {
        null => null,
        "true" or "1" or "yes" or "on" or "y" or "enabled" => true,
        "false" or "0" or "no" or "off" or "n" or "disabled" => false,
        _ => null,
    };

    private static string Prefix(string key)
    {
        var bracket = key.IndexOf('[', StringComparison.Ordinal);
        return bracket > 0 ? key[..bracket] : key;
    }
}
