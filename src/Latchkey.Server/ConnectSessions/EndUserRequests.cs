using Latchkey.Server.Hosting;
using Latchkey.Server.Hosting.Validation;

namespace Latchkey.Server.ConnectSessions;

/// <summary>The <c>end_user</c>, <c>organization</c> and <c>tags</c> rules shared by sessions and connections (spec §1.4, §4.3).</summary>
public static class EndUserRequests
{
    private static readonly StringRule TagKey = new(1, InputLimits.TagKey, Identifiers.TagKeyPattern(), "must start with a letter and contain only letters, digits and _-./");

    public static EndUserProfile? ReadEndUser(JsonObjectReader parent, bool required)
    {
        if (parent.Nested("end_user", ["id", "email", "display_name", "tags"], required) is not { } endUser)
        {
            return null;
        }

        var id = endUser.Text("id", StringRule.Name255, required: true);
        var email = endUser.Text("email", Identifiers.Email);
        var displayName = endUser.Text("display_name", StringRule.Bounded(0, InputLimits.Name));
        var tags = ReadTags(endUser, "tags", valueMin: 0);
        return id is null ? null : new EndUserProfile(id, email, displayName, tags);
    }

    public static OrganizationProfile? ReadOrganization(JsonObjectReader parent)
    {
        if (parent.Nested("organization", ["id", "display_name"]) is not { } organization)
        {
            return null;
        }

        var id = organization.Text("id", StringRule.Name255, required: true);
        var displayName = organization.Text("display_name", StringRule.Bounded(0, InputLimits.Name));
        return id is null ? null : new OrganizationProfile(id, displayName);
    }

    /// <summary>Tags: at most 10, keys unique ignoring case and stored lower-cased, <c>end_user_email</c> an e-mail.</summary>
    public static IReadOnlyDictionary<string, string>? ReadTags(JsonObjectReader parent, string key, int valueMin = 1)
    {
        var raw = parent.StringRecord(key, StringRule.Bounded(valueMin, InputLimits.Name));
        if (raw is null)
        {
            return null;
        }

        if (raw.Count > InputLimits.Tags)
        {
            parent.Fail(key, IssueCodes.TooBig, $"At most {InputLimits.Tags} tags are allowed.");
        }

        var tags = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (name, value) in raw)
        {
            if (name.Length > TagKey.Max || !TagKey.Pattern!.IsMatch(name))
            {
                parent.Validator.Add(IssueCodes.InvalidFormat, $"Tag key {TagKey.PatternMessage} (at most {InputLimits.TagKey} characters).", parent.At(key, name));
                continue;
            }

            var lower = name.ToLowerInvariant();
            if (!tags.TryAdd(lower, value))
            {
                parent.Validator.Add(IssueCodes.Custom, $"Tag keys must be unique ignoring case ('{name}').", parent.At(key, name));
            }

            if (lower == "end_user_email" && !Identifiers.EmailPattern().IsMatch(value))
            {
                parent.Validator.Add(IssueCodes.InvalidFormat, "end_user_email must be an e-mail address.", parent.At(key, name));
            }
        }

        return tags;
    }
}
