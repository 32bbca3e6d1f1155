using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace Latchkey.Server.Providers;

/// <summary>
/// What a catalog entry must have, and which of the schema's top-level keys (spec §8.2) this server acts on. The rest
/// are accepted and served verbatim but have no effect; docs/providers.md lists them, and a loaded catalog counts them.
/// </summary>
public static partial class CatalogSchema
{
    /// <summary>Top-level keys the engine, the API or the Connect UI act on.</summary>
    public static readonly IReadOnlySet<string> Implemented = new HashSet<string>(StringComparer.Ordinal)
    {
        "display_name", "docs", "docs_connect", "setup_guide_url", "categories", "auth_mode", "alias", "installation", "issuer",
        "authorization_url", "authorization_params", "authorization_url_skip_encode", "authorization_url_skip_empty",
        "authorization_url_replacements", "authorization_url_fragment", "authorization_code_param_in_callback",
        "token_url", "token_params", "refresh_params", "authorization_method", "token_request_auth_method", "body_format",
        "disable_pkce", "scope_separator", "default_scopes", "token_expiration_buffer", "expires_in_unit",
        "alternate_access_token_response_path", "token_response_metadata", "refresh_token_response_metadata", "redirect_uri_metadata",
        "request_url", "request_params", "request_http_method", "token_http_method", "signature_method",
        "proxy", "connection_config", "credentials", "integration_config", "post_connection", "token_response", "token_headers", "token_request_method", "refresh_url", "signature", "token",
        "require_client_certificate",
        // MCP servers (McpServers.cs): mcp_server_url is Latchkey's key for an MCP_OAUTH2 server's URL (a template; the
        // generic mode takes it from the connection setting of the same name).
        "mcp_server_url", "registration_url", "client_registration", "registration_params",
    };

    /// <summary>Top-level keys of the reference schema that are accepted but not acted on yet, with the reason.</summary>
    public static readonly IReadOnlyDictionary<string, string> Ignored = new Dictionary<string, string>(StringComparer.Ordinal)
    {
        ["auth"] = "legacy; response_type belongs in authorization_params",
        ["authorization_code_param_in_webhook"] = "install webhooks are not received",
        ["webhook_response_metadata"] = "install webhooks are not received",
        ["webhook_user_defined_secret"] = "inbound provider webhooks are not forwarded",
        ["webhook_allowed_query_params"] = "inbound provider webhooks are not forwarded",
        ["webhook_routing_script"] = "bespoke provider code of the reference server",
        ["post_connection_script"] = "bespoke provider code of the reference server",
        ["pre_connection_deletion_script"] = "bespoke provider code of the reference server",
        ["credentials_verification_script"] = "bespoke provider code of the reference server; proxy.verification is used",
        ["connection_configuration"] = "filled by post-connection scripts",
        ["decode_url"] = "provider-specific flag of the reference server",
        ["token_url_skip_encode"] = "the token URL is sent as rendered",
        ["assertion_option"] = "this TWO_STEP variant (assertions, extra steps) is not supported yet",
        ["refresh_token_params"] = "this TWO_STEP variant (assertions, extra steps) is not supported yet",
        ["refresh_token_headers"] = "this TWO_STEP variant (assertions, extra steps) is not supported yet",
        ["token_response_headers"] = "this TWO_STEP variant (assertions, extra steps) is not supported yet",
        ["additional_steps"] = "this TWO_STEP variant (assertions, extra steps) is not supported yet",
        ["assertion"] = "this TWO_STEP variant (assertions, extra steps) is not supported yet",
        ["token_expires_in_ms"] = "this TWO_STEP variant (assertions, extra steps) is not supported yet",
        ["proxy_header_authorization"] = "this TWO_STEP variant (assertions, extra steps) is not supported yet",
        ["auth_type"] = "INSTALL_PLUGIN is not supported",
    };

    /// <summary>Why an entry (aliases resolved) cannot be used, or null when it can.</summary>
    public static string? Check(string name, JsonObject entry)
    {
        if (!NamePattern().IsMatch(name))
        {
            return "provider names may contain only lower-case letters, digits and '-'";
        }

        if (string.IsNullOrWhiteSpace(entry.GetString("display_name")))
        {
            return "display_name is required";
        }

        if (string.IsNullOrWhiteSpace(entry.GetString("docs")))
        {
            return "docs is required";
        }

        var mode = entry.GetString("auth_mode");
        return mode is null || !AuthModes.All.Contains(mode)
            ? $"auth_mode must be one of {string.Join(", ", AuthModes.All.Order(StringComparer.Ordinal))}"
            : MissingForMode(mode, entry) ?? BadPattern(entry);
    }

    /// <summary>The keys of <paramref name="providers"/> outside <see cref="Implemented"/>, with how many entries use each.</summary>
    public static IReadOnlyDictionary<string, int> IgnoredKeysOf(IEnumerable<Provider> providers) =>
        providers.SelectMany(p => p.Definition.Select(pair => pair.Key))
            .Where(key => !Implemented.Contains(key))
            .GroupBy(key => key, StringComparer.Ordinal)
            .OrderBy(group => group.Key, StringComparer.Ordinal)
            .ToDictionary(group => group.Key, group => group.Count(), StringComparer.Ordinal);

    private static string? MissingForMode(string mode, JsonObject entry) => mode switch
    {
        AuthModes.OAuth2 when entry.GetString("installation") is null && (entry.GetString("authorization_url") is null || entry["token_url"] is null) =>
            "OAUTH2 providers need authorization_url and token_url",
        AuthModes.OAuth1 when entry.GetString("request_url") is null || entry.GetString("authorization_url") is null || entry["token_url"] is null =>
            "OAUTH1 providers need request_url, authorization_url and token_url",
        AuthModes.OAuth2ClientCredentials when entry["token_url"] is null => "OAUTH2_CC providers need token_url",
        AuthModes.TwoStep when entry["token_url"] is null => "TWO_STEP providers need token_url",
        AuthModes.Bill when entry["token_url"] is null => "BILL providers need token_url (their login endpoint)",
        AuthModes.App or AuthModes.Custom when entry.GetString("authorization_url") is null || entry["token_url"] is null =>
            "APP and CUSTOM providers need authorization_url (the installation page) and token_url (the installation token)",
        AuthModes.McpOAuth2 when entry.GetString(McpServers.ServerUrlSetting) is null => "MCP_OAUTH2 providers need mcp_server_url",
        AuthModes.McpOAuth2Generic when (entry["connection_config"] as JsonObject)?.ContainsKey(McpServers.ServerUrlSetting) != true =>
            "MCP_OAUTH2_GENERIC providers need a connection_config field mcp_server_url",
        AuthModes.McpOAuth2 or AuthModes.McpOAuth2Generic when entry.GetString("client_registration") is { } registration && registration is not ("dynamic" or "static" or "cimd") =>
            "client_registration must be dynamic, static or cimd",
        _ => null,
    };

    // A field pattern that does not compile would fail every connection; it is caught here, once, with its name.
    private static string? BadPattern(JsonObject entry)
    {
        foreach (var section in new[] { "connection_config", "credentials", "integration_config" })
        {
            foreach (var (field, schema) in entry[section] as JsonObject ?? [])
            {
                if ((schema as JsonObject)?.GetString("pattern") is not { } pattern)
                {
                    continue;
                }

                try
                {
                    _ = new Regex(pattern, RegexOptions.CultureInvariant, TimeSpan.FromMilliseconds(50));
                }
                catch (ArgumentException exception)
                {
                    return $"{section}.{field}.pattern is not a valid regular expression ({exception.Message})";
                }
            }
        }

        return null;
    }

    [GeneratedRegex("^[a-z0-9-]+$")]
    private static partial Regex NamePattern();
}
