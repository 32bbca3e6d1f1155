using System.Text.Json.Nodes;

namespace Latchkey.Server.Providers;

/// <summary>
/// One catalog entry after alias resolution. <see cref="Definition"/> is served verbatim (spec §4.8); the typed
/// members below are what the engine reads, so a provider's behaviour is data, not code.
/// </summary>
public sealed class Provider
{
    private IReadOnlyDictionary<string, FieldSchema>? _connectionConfig;
    private IReadOnlyDictionary<string, FieldSchema>? _credentials;

    public Provider(string name, JsonObject definition)
    {
        Name = name;
        Definition = definition;
        AuthMode = definition.GetString("auth_mode") ?? "";
        DisplayName = definition.GetString("display_name") ?? name;
    }

    public string Name { get; }

    public JsonObject Definition { get; }

    public string AuthMode { get; }

    public string DisplayName { get; }

    public string? AuthorizationUrl => Definition.GetString("authorization_url");

    /// <summary><c>token_url</c> is a string, or a map by auth mode for hybrid providers (spec §8.2).</summary>
    public string? TokenUrlFor(string mode) => Definition["token_url"] switch
    {
        JsonObject perMode => perMode.GetString(mode),
        _ => Definition.GetString("token_url"),
    };

    /// <summary>
    /// Every URL template of the entry a connection's config is rendered into: the authorize, token, refresh and request
    /// URLs and the proxy's base URLs, each with whether its values are left unencoded (<c>*_skip_encode</c>).
    /// </summary>
    public IEnumerable<(string Key, string Template, bool SkipEncoding)> UrlTemplates()
    {
        var skipAuthorize = Definition.GetStringList("authorization_url_skip_encode").Contains("base_url");
        var skipToken = Definition.GetStringList("token_url_skip_encode").Contains("base_url");
        var candidates = new List<(string, string?, bool)>
        {
            ("authorization_url", AuthorizationUrl, skipAuthorize),
            ("refresh_url", Definition.GetString("refresh_url"), skipToken),
            ("request_url", Definition.GetString("request_url"), false),
            ("proxy.base_url", Proxy?.GetString("base_url"), false),
            ("proxy.verification.base_url_override", (Proxy?["verification"] as JsonObject)?.GetString("base_url_override"), false),
        };
        candidates.AddRange(Definition["token_url"] is JsonObject perMode
            ? perMode.Select(pair => ("token_url", (string?)pair.Value?.ToString(), skipToken))
            : [("token_url", Definition.GetString("token_url"), skipToken)]);
        return candidates.Where(c => c.Item2 is { Length: > 0 }).Select(c => (c.Item1, c.Item2!, c.Item3));
    }

    public IReadOnlyDictionary<string, string> AuthorizationParams => Definition.GetStringMap("authorization_params");

    public IReadOnlyDictionary<string, string> TokenParams => Definition.GetStringMap("token_params");

    public IReadOnlyDictionary<string, string> RefreshParams => Definition.GetStringMap("refresh_params");

    public string ScopeSeparator => Definition.GetString("scope_separator") ?? " ";

    public bool DisablePkce => Definition.GetFlag("disable_pkce");

    public string? Issuer => Definition.GetString("issuer");

    public JsonObject? Proxy => Definition["proxy"] as JsonObject;

    public IReadOnlyDictionary<string, FieldSchema> ConnectionConfigFields => _connectionConfig ??= Fields("connection_config");

    public IReadOnlyDictionary<string, FieldSchema> CredentialFields => _credentials ??= Fields("credentials");

    public string GetString(string key, string fallback = "") => Definition.GetString(key) ?? fallback;

    private Dictionary<string, FieldSchema> Fields(string key)
    {
        var result = new Dictionary<string, FieldSchema>(StringComparer.Ordinal);
        if (Definition[key] is JsonObject fields)
        {
            foreach (var (name, field) in fields)
            {
                if (field is JsonObject schema)
                {
                    result[name] = FieldSchema.From(name, schema);
                }
            }
        }

        return result;
    }
}
