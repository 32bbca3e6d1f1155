using System.Text.Json.Nodes;

namespace Latchkey.Server.Providers;

/// <summary>
/// What the catalog says about a remote MCP server (spec §8.4 <c>MCP_OAUTH2</c>, <c>MCP_OAUTH2_GENERIC</c>). Its
/// authorization server is not in the catalog: it is discovered from the server (RFC 9728, RFC 8414) when a flow
/// starts, and <see cref="Bind"/> then gives the engine an ordinary OAuth 2 entry to work with.
/// </summary>
public static class McpServers
{
    /// <summary>The per-connection setting that names the server of an <c>MCP_OAUTH2_GENERIC</c> integration.</summary>
    public const string ServerUrlSetting = "mcp_server_url";

    public static bool IsMcp(string authMode) => authMode is AuthModes.McpOAuth2 or AuthModes.McpOAuth2Generic;

    /// <summary>
    /// The MCP server's URL: the Latchkey catalog key <c>mcp_server_url</c> (a template), for the generic mode the
    /// connection's own <c>mcp_server_url</c>. Null when it is missing or not an absolute http(s) URL without a fragment.
    /// </summary>
    public static Uri? ServerUrl(Provider provider, JsonObject connectionConfig)
    {
        var template = provider.AuthMode == AuthModes.McpOAuth2Generic
            ? connectionConfig.GetString(ServerUrlSetting)
            : provider.Definition.GetString(ServerUrlSetting);
        if (string.IsNullOrWhiteSpace(template) || template.Length > MaxUrlLength)
        {
            return null;
        }

        var url = provider.AuthMode == AuthModes.McpOAuth2Generic
            ? (Uri.TryCreate(template.Trim(), UriKind.Absolute, out var given) ? given : null)
            : ProviderUrls.Render(template, TemplateValues.Of(connectionConfig));
        return url is { Scheme: "https" or "http", Fragment.Length: 0 } ? url : null;
    }

    public const int MaxUrlLength = 2048;

    /// <summary>
    /// The provider as an OAuth 2 entry for one discovered authorization server: its endpoints, the RFC 8707
    /// <c>resource</c> on the authorization, code and refresh requests, HTTP Basic client authentication when the
    /// client was registered for it, and PKCE whatever the entry says (MCP requires it).
    /// </summary>
    public static Provider Bind(Provider provider, McpEndpoints endpoints)
    {
        var definition = provider.Definition.DeepClone().AsObject();
        definition["authorization_url"] = endpoints.AuthorizationEndpoint;
        definition["token_url"] = endpoints.TokenEndpoint;
        definition.Remove("disable_pkce");
        definition.Remove("refresh_url");
        definition.Remove("authorization_method");
        definition.Remove("token_request_auth_method");
        definition.Remove("body_format");
        if (endpoints.TokenEndpointAuthMethod == "client_secret_basic")
        {
            definition["authorization_method"] = "header";
        }

        definition["authorization_params"] = WithResource(definition["authorization_params"], endpoints.Resource);
        definition["token_params"] = WithResource(definition["token_params"], endpoints.Resource);
        definition["refresh_params"] = WithResource(definition["refresh_params"], endpoints.Resource);
        return new Provider(provider.Name, definition);
    }

    private static JsonObject WithResource(JsonNode? parameters, string resource)
    {
        var result = parameters is JsonObject existing ? existing.DeepClone().AsObject() : [];
        result["resource"] = resource;
        return result;
    }
}

/// <summary>
/// The endpoints of an MCP server's authorization server, as discovered, and how the client authenticates at the token
/// endpoint (<c>none</c>, <c>client_secret_post</c> or <c>client_secret_basic</c>). None of them holds a template
/// placeholder: discovery refuses values that contain one.
/// </summary>
public sealed record McpEndpoints(string AuthorizationEndpoint, string TokenEndpoint, string Resource, string TokenEndpointAuthMethod);
