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

        issues.AddRange(UrlIssues(provider, config).Where(issue => !issues.Any(i => i.Path.SequenceEqual(issue.Path))));
        return issues;
    }

    /// <summary>
    /// Values that do not fit where the provider's URL templates put them (<see cref="ProviderUrls"/>: a host name
    /// part, a whole base URL), found before any flow starts so the end user learns which field to correct.
    /// </summary>
    public static IEnumerable<ValidationIssue> UrlIssues(Provider provider, JsonObject config)
    {
        var values = TemplateValues.Of(config);
        return provider.UrlTemplates()
            .Select(url => ProviderUrls.Build(url.Template, values, url.SkipEncoding))
            .Where(rendered => rendered.RefusedField is not null)
            .DistinctBy(rendered => rendered.RefusedField)
            .Select(rendered => new ValidationIssue(IssueCodes.InvalidFormat,
                $"{FieldTitle(provider, rendered.RefusedField!)} cannot be used in {provider.DisplayName}'s URLs: it {rendered.Reason}",
                ["params", rendered.RefusedField!]));
    }

    /// <summary>
    /// Drops end-user values for fields the catalog marks <c>automated</c> (spec §8.3: "filled by the system, never
    /// asked"): the provider's token response or a post-connection step sets them, and a value typed by the end user
    /// (say an <c>instance_url</c> pointing elsewhere) must never stand in for it.
    /// </summary>
    public static void DropAutomated(Provider provider, JsonObject config)
    {
        foreach (var field in provider.ConnectionConfigFields.Values.Where(f => f.Automated))
        {
            config.Remove(field.Name);
        }
    }

    private static string FieldTitle(Provider provider, string name) =>
        provider.ConnectionConfigFields.TryGetValue(name, out var field) ? field.Title ?? name : name;

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
