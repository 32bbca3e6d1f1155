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
