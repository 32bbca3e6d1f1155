using System.Text.Json;
using System.Text.Json.Nodes;
using Latchkey.Server.Hosting;
using Latchkey.Server.Integrations;
using Latchkey.Server.Providers;

namespace Latchkey.Server.Dashboard;

/// <summary>One input of the integration form: a key of the API's <c>credentials</c> object (spec §4.7).</summary>
public sealed record IntegrationField(string Name, string Label, bool Required, bool Secret = false, bool Multiline = false, string? Hint = null);

/// <summary>
/// What the dashboard asks for an integration, by the provider's auth mode, and how the form becomes the body of
/// <c>POST /integrations</c> or <c>PATCH /integrations/:key</c>: the dashboard validates it with the API's own rules, so
/// it can store nothing the API would refuse, and shows each refusal next to its field.
/// </summary>
public static class IntegrationFields
{
    private const string ScopesHint = "Comma- or space-separated, e.g. repo,user.";

    private static readonly IntegrationField ClientId = new("client_id", "Client id", Required: true, Hint: "From the OAuth app you registered with the provider.");
    private static readonly IntegrationField ClientSecret = new("client_secret", "Client secret", Required: true, Secret: true);
    private static readonly IntegrationField Scopes = new("scopes", "Scopes", Required: false, Hint: ScopesHint);
    private static readonly IntegrationField AppId = new("app_id", "App id", Required: true);
    private static readonly IntegrationField AppLink = new("app_link", "App link", Required: true, Hint: "The app's public page, e.g. https://github.com/apps/my-app.");
    private static readonly IntegrationField PrivateKey = new("private_key", "Private key (PEM)", Required: true, Secret: true, Multiline: true);

    public static IReadOnlyList<IntegrationField> For(string authMode) => authMode switch
    {
        AuthModes.OAuth1 or AuthModes.OAuth2 => [ClientId, ClientSecret, Scopes],
        AuthModes.Tba => [ClientId with { Required = false }, ClientSecret with { Required = false }],
        AuthModes.McpOAuth2 or AuthModes.McpOAuth2Generic =>
        [
            ClientId with { Required = false, Hint = "Blank: Latchkey registers itself with the MCP server." },
            ClientSecret with { Required = false, Hint = "Blank for a public client." },
            Scopes,
        ],
        AuthModes.App => [AppId, AppLink, PrivateKey],
        AuthModes.Custom => [ClientId, ClientSecret, AppId, AppLink, PrivateKey],
        _ => [],
    };

    /// <summary>The catalog's suggested scopes for new integrations (<c>default_scopes</c>), as the form shows them.</summary>
    public static string? DefaultScopes(Provider provider) =>
        provider.Definition["default_scopes"] is JsonArray scopes ? string.Join(',', scopes.Select(s => s?.ToString()).OfType<string>()) : null;

    /// <summary>Whether the provider's connections go through an OAuth redirect, so its app needs our callback URL.</summary>
    public static bool UsesCallback(string authMode) => authMode is AuthModes.OAuth1 or AuthModes.OAuth2 or AuthModes.App or AuthModes.Custom
        or AuthModes.McpOAuth2 or AuthModes.McpOAuth2Generic;

    public static JsonElement CreateBody(Provider provider, IFormCollection form)
    {
        var body = new JsonObject { ["provider"] = provider.Name, ["unique_key"] = form["unique_key"].ToString().Trim() };
        AddCommon(body, provider, form, kept: null);
        return JsonSerializer.SerializeToElement(body);
    }

    /// <summary>A secret left blank keeps the stored one.</summary>
    public static JsonElement UpdateBody(Provider? provider, IFormCollection form, IntegrationSecrets kept)
    {
        var body = new JsonObject();
        AddCommon(body, provider, form, kept);
        return JsonSerializer.SerializeToElement(body);
    }

    /// <summary>The refusals by form field (the unique key, a credential field), and those that belong to no field.</summary>
    public static (IReadOnlyDictionary<string, string> ByField, IReadOnlyList<string> Other) Problems(ApiError error, IReadOnlyList<IntegrationField> fields)
    {
        var byField = new Dictionary<string, string>(StringComparer.Ordinal);
        var other = new List<string>();
        foreach (var issue in error.Errors ?? [new ValidationIssue("", error.Message ?? "Invalid.", [])])
        {
            var name = issue.Path switch
            {
                ["credentials", var key, ..] => key,
                [var key, ..] => key,
                _ => null,
            };
            var label = name == "unique_key" ? "Unique key" : name == "display_name" ? "Display name" : fields.FirstOrDefault(f => f.Name == name)?.Label;
            var sentence = issue.Message == "Required" ? $"{label} is required." : $"{label ?? name} {issue.Message}".Trim();
            if (label is null)
            {
                other.Add(sentence);
            }
            else
            {
                byField.TryAdd(name!, sentence);
            }
        }

        return (byField, other);
    }

    private static void AddCommon(JsonObject body, Provider? provider, IFormCollection form, IntegrationSecrets? kept)
    {
        if (Filled(form, "display_name") is { } displayName)
        {
            body["display_name"] = displayName;
        }

        var mode = provider?.AuthMode ?? "";
        var fields = For(mode);
        var credentials = new JsonObject { ["type"] = mode };
        foreach (var field in fields)
        {
            var value = Filled(form, field.Name) ?? (field.Secret ? Stored(field.Name, kept) : null);
            if (value is not null)
            {
                credentials[field.Name] = field.Name == "scopes" ? NormalizeScopes(value) : value;
            }
        }

        // Untouched by the form, kept as they were (the API replaces the whole credentials object).
        if (kept?.WebhookSecret is { } webhookSecret && mode is AuthModes.OAuth1 or AuthModes.OAuth2 or AuthModes.Tba)
        {
            credentials["webhook_secret"] = webhookSecret;
        }

        // Optional credentials are sent only when something was entered, so a blank form is not a half-filled one.
        if (fields.Count > 0 && (AuthModes.RequiresIntegrationCredentials(mode) || credentials.Count > 1))
        {
            body["credentials"] = credentials;
        }
    }

    private static string? Stored(string name, IntegrationSecrets? secrets) => name switch
    {
        "client_secret" => secrets?.ClientSecret,
        "private_key" => secrets?.PrivateKey,
        _ => null,
    };

    private static string? Filled(IFormCollection form, string name) =>
        form[name].ToString().Trim() is { Length: > 0 } value ? value : null;

    /// <summary>Users paste scopes as the provider's docs list them ("repo user" or "repo, user"); the API wants "repo,user".</summary>
    private static string NormalizeScopes(string value) =>
        string.Join(',', value.Split([',', ' ', '\n', '\r', '\t'], StringSplitOptions.RemoveEmptyEntries));
}

/// <summary>What an integration form shows: its fields, the values to refill (never a secret), the errors by field.</summary>
public sealed record IntegrationForm(
    IReadOnlyList<IntegrationField> Fields,
    IReadOnlyDictionary<string, string?> Values,
    IReadOnlyDictionary<string, string> Errors,
    IReadOnlySet<string> StoredSecrets)
{
    public string? Value(string name) => Values.GetValueOrDefault(name);

    public string? Error(string name) => Errors.GetValueOrDefault(name);

    /// <summary>The form as it was posted, secrets left out, with the API's refusals.</summary>
    public static IntegrationForm Posted(IReadOnlyList<IntegrationField> fields, IFormCollection form, IReadOnlyDictionary<string, string> errors, IReadOnlySet<string> storedSecrets) =>
        new(fields, form.Keys.Where(key => !fields.Any(f => f.Name == key && f.Secret)).ToDictionary(key => key, key => (string?)form[key].ToString(), StringComparer.Ordinal),
            errors, storedSecrets);
}
