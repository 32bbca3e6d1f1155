using System.Text.Json;
using System.Text.Json.Nodes;
using Latchkey.Server.Hosting;
using Latchkey.Server.Providers;

namespace Latchkey.Server.CredentialEntry;

/// <summary>
/// A free-form credentials body (TWO_STEP, spec §4.4) checked against the provider's <c>credentials</c> schema: every
/// field it asks for (not optional, not automated) present as a non-empty string and matching its pattern; no key
/// it does not know.
/// </summary>
public static class CredentialFieldRules
{
    public static Outcome<JsonObject> Read(Provider provider, JsonElement body, IReadOnlyCollection<string> alsoAccepted)
    {
        if (body.ValueKind != JsonValueKind.Object)
        {
            return ApiError.InvalidBody("The body must be a JSON object of the provider's credential fields.");
        }

        var issues = new List<ValidationIssue>();
        var fields = new JsonObject();
        foreach (var property in body.EnumerateObject())
        {
            if (alsoAccepted.Contains(property.Name))
            {
                continue;
            }

            if (!provider.CredentialFields.ContainsKey(property.Name))
            {
                issues.Add(new ValidationIssue(IssueCodes.UnrecognizedKeys, $"{property.Name} is not a credential field of {provider.DisplayName}", [property.Name]));
            }
            else if (property.Value.ValueKind != JsonValueKind.String)
            {
                issues.Add(new ValidationIssue(IssueCodes.InvalidType, "must be a string", [property.Name]));
            }
            else
            {
                fields[property.Name] = property.Value.GetString();
            }
        }

        foreach (var field in provider.CredentialFields.Values.Where(f => !f.Automated))
        {
            var value = fields.GetString(field.Name);
            if (string.IsNullOrEmpty(value))
            {
                if (!field.Optional && field.DefaultValue is null)
                {
                    issues.Add(new ValidationIssue(IssueCodes.InvalidType, $"{field.Title ?? field.Name} is required", [field.Name]));
                }
                else if (field.DefaultValue is not null)
                {
                    fields[field.Name] = field.DefaultValue;
                }
            }
            else if (field.Pattern is not null && !ConnectionConfigRules.Matches(field.Pattern, value))
            {
                issues.Add(new ValidationIssue(IssueCodes.InvalidFormat, $"{field.Title ?? field.Name} has an invalid format", [field.Name]));
            }
        }

        return issues.Count > 0 ? ApiError.Invalid(ErrorCodes.InvalidBody, issues) : fields;
    }
}
