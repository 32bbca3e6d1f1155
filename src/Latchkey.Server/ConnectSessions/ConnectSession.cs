using System.Text.Json.Nodes;
using Latchkey.Server.Hosting.Validation;

namespace Latchkey.Server.ConnectSessions;

/// <summary>The end user a session (and then its connections) belongs to.</summary>
public sealed record EndUserProfile(string Id, string? Email, string? DisplayName, IReadOnlyDictionary<string, string>? Tags);

public sealed record OrganizationProfile(string Id, string? DisplayName);

/// <summary>What the customer's backend allowed when it created a session (spec §6.5): for whom, which integrations, with which defaults.</summary>
public sealed record SessionTerms(
    EndUserProfile? EndUser,
    OrganizationProfile? Organization,
    IReadOnlyList<string>? AllowedIntegrations,
    JsonObject? IntegrationsConfigDefaults,
    JsonObject? Overrides,
    string? WebhookUrlOverride,
    IReadOnlyDictionary<string, string>? Tags);

/// <summary>
/// A connect session: what the customer's backend allowed one end user to do for 30 minutes (spec §6).
/// Other features read it through this type; its table belongs to this feature.
/// </summary>
public sealed record ConnectSession(long Id, long EnvironmentId, SessionTerms Terms, long? ReconnectConnectionRef, DateTimeOffset ExpiresAt)
{
    public bool IsReconnect => ReconnectConnectionRef is not null;

    /// <summary>Connections created with this session so far (when it was read).</summary>
    public int ConnectionsCreated { get; init; }

    /// <summary>An empty or absent list means no restriction (spec §4.3).</summary>
    public bool Allows(string integrationKey) =>
        Terms.AllowedIntegrations is not { Count: > 0 } allowed || allowed.Contains(integrationKey, StringComparer.Ordinal);

    /// <summary><c>integrations_config_defaults[key]</c>, or null.</summary>
    public JsonObject? DefaultsFor(string integrationKey) => Terms.IntegrationsConfigDefaults?[integrationKey] as JsonObject;

    /// <summary>String values of <c>integrations_config_defaults[key].connection_config</c>; they win over end-user input.</summary>
    public IReadOnlyDictionary<string, string> ConnectionConfigDefaults(string integrationKey)
    {
        var result = new Dictionary<string, string>(StringComparer.Ordinal);
        if (DefaultsFor(integrationKey)?["connection_config"] is JsonObject config)
        {
            foreach (var (key, value) in config)
            {
                if (value is JsonValue scalar && scalar.TryGetValue<string>(out var text))
                {
                    result[key] = text;
                }
            }
        }

        return result;
    }

    /// <summary>
    /// The tags written on connections made with this session (spec §6.5): generated end-user and organization
    /// tags, the end user's own tags above them, explicit session tags above all. Keys are lower-cased.
    /// </summary>
    public IReadOnlyDictionary<string, string> ConnectionTags() => BuildTags(Terms.EndUser, Terms.Organization, Terms.Tags);

    public static Dictionary<string, string> BuildTags(EndUserProfile? endUser, OrganizationProfile? organization, IReadOnlyDictionary<string, string>? explicitTags)
    {
        var tags = new Dictionary<string, string>(StringComparer.Ordinal);
        void Put(string key, string? value)
        {
            if (!string.IsNullOrEmpty(value))
            {
                tags[key.ToLowerInvariant()] = value.Length > InputLimits.Name ? value[..InputLimits.Name] : value;
            }
        }

        if (endUser is not null)
        {
            Put("end_user_id", endUser.Id);
            Put("end_user_email", endUser.Email);
            Put("end_user_display_name", endUser.DisplayName);
        }

        if (organization is not null)
        {
            Put("organization_id", organization.Id);
            Put("organization_display_name", organization.DisplayName);
        }

        foreach (var (key, value) in endUser?.Tags ?? new Dictionary<string, string>())
        {
            Put(key, value);
        }

        foreach (var (key, value) in explicitTags ?? new Dictionary<string, string>())
        {
            Put(key, value);
        }

        return tags;
    }
}
