using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Latchkey.Server.Hosting;
using Latchkey.Server.Providers;

namespace Latchkey.Server.CredentialEntry;

/// <summary>Checks connection-config values against the provider's field schemas, filling declared defaults.</summary>
public static class ConnectionConfigRules
{
    public static IReadOnlyList<ValidationIssue> Apply(Provider provider, JsonObject config)
    {
        var issues = new List<ValidationIssue>();
        foreach (var field in provider.ConnectionConfigFields.Values.Where(f => !f.Automated))
        {
            var value = config.GetString(field.Name);
            if (string.IsNullOrEmpty(value) && field.DefaultValue is not null)
            {
                config[field.Name] = value = field.DefaultValue;
            }

            if (string.IsNullOrEmpty(value))
            {
                if (!field.Optional)
                {
                    issues.Add(new ValidationIssue(IssueCodes.InvalidType, $"{field.Title ?? field.Name} is required", ["params", field.Name]));
                }

                continue;
            }

            if (field.Pattern is not null && !Matches(field.Pattern, value))
            {
                issues.Add(new ValidationIssue(IssueCodes.InvalidFormat, $"{field.Title ?? field.Name} has an invalid format", ["params", field.Name]));
            }
            else if (field.Enum is { Count: > 0 } allowed && !allowed.Contains(value, StringComparer.Ordinal))
            {
                issues.Add(new ValidationIssue(IssueCodes.InvalidValue, $"{field.Title ?? field.Name} must be one of {string.Join(", ", allowed)}", ["params", field.Name]));
            }
        }

        return issues;
    }

    // Catalog patterns use the full .NET syntax (lookarounds included), so they run on the backtracking engine; the
    // timeout bounds what a hostile value can cost. A value that takes too long to check is refused, not accepted.
    // The loader has already refused entries whose patterns do not compile.
    public static bool Matches(string pattern, string value)
    {
        try
        {
            return Regex.IsMatch(value, pattern, RegexOptions.CultureInvariant, PatternTimeout);
        }
        catch (RegexMatchTimeoutException)
        {
            return false;
        }
    }

    public static readonly TimeSpan PatternTimeout = TimeSpan.FromMilliseconds(50);
}
