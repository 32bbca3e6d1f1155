using System.Collections.Concurrent;
using System.Text;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.WebUtilities;

namespace Latchkey.TestKit;

/// <summary>
/// Two remote MCP servers (<c>/mcp</c>, <c>/mcp-alt</c>) and their shared authorization server (<c>/mcp-auth</c>), as
/// the MCP authorization specification describes them: the server answers 401 with a <c>resource_metadata</c>
/// challenge (only <c>/mcp</c>; <c>/mcp-alt</c> is found at its well-known URL), protected resource metadata
/// (RFC 9728), authorization server metadata (RFC 8414), dynamic client registration (RFC 7591), and authorize and
/// token endpoints that require PKCE S256, a registered client and the RFC 8707 <c>resource</c> of the server.
/// </summary>
public sealed partial class FakeProvider
{
    public const string McpScope = "mcp:tools";

    private readonly ConcurrentDictionary<string, McpRegisteredClient> _mcpClients = new();
    private readonly ConcurrentDictionary<string, McpGrant> _mcpCodes = new();
    private readonly ConcurrentDictionary<string, McpGrant> _mcpRefreshTokens = new();
    private readonly ConcurrentDictionary<string, string> _mcpAccessTokens = new();
    private int _mcpRegistrations;
    private int _mcpCodeExchanges;
    private int _mcpRefreshCalls;

    /// <summary>When true, the authorization server metadata is gone (404), so discovery fails.</summary>
    public bool McpMetadataMissing { get; set; }

    /// <summary>When true, the registration endpoint refuses every client.</summary>
    public bool McpRefuseRegistration { get; set; }

    /// <summary>The client authentication the authorization server lists, and registers clients for.</summary>
    public string McpTokenEndpointAuthMethod { get; set; } = "none";

    public int McpRegistrations => _mcpRegistrations;

    public int McpCodeExchanges => _mcpCodeExchanges;

    public int McpRefreshCalls => _mcpRefreshCalls;

    /// <summary>The last authorize query of the MCP authorization server.</summary>
    public IQueryCollection? LastMcpAuthorizeQuery { get; private set; }

    /// <summary>The form of the last MCP token call.</summary>
    public IReadOnlyDictionary<string, string>? LastMcpTokenForm { get; private set; }

    public string McpIssuer => $"{BaseUrl}/mcp-auth";

    public string McpServerUrl(string server = "mcp") => $"{BaseUrl}/{server}";

    private void MapMcp(WebApplication app)
    {
        foreach (var server in new[] { "mcp", "mcp-alt" })
        {
            app.MapPost($"/{server}", (HttpRequest request) => McpEndpoint(server, request));
            app.MapGet($"/.well-known/oauth-protected-resource/{server}", () => Results.Json(new
            {
                resource = McpServerUrl(server),
                authorization_servers = new[] { McpIssuer },
                scopes_supported = new[] { McpScope },
            }));
        }

        app.MapGet("/.well-known/oauth-authorization-server/mcp-auth", () => McpMetadataMissing ? Results.NotFound() : Results.Json(new
        {
            issuer = McpIssuer,
            authorization_endpoint = $"{McpIssuer}/authorize",
            token_endpoint = $"{McpIssuer}/token",
            registration_endpoint = $"{McpIssuer}/register",
            response_types_supported = new[] { "code" },
            grant_types_supported = new[] { "authorization_code", "refresh_token" },
            code_challenge_methods_supported = new[] { "S256" },
            token_endpoint_auth_methods_supported = new[] { McpTokenEndpointAuthMethod },
        }));
        app.MapPost("/mcp-auth/register", McpRegisterAsync);
        app.MapGet("/mcp-auth/authorize", McpAuthorize);
        app.MapPost("/mcp-auth/token", McpTokenAsync);
    }

    private IResult McpEndpoint(string server, HttpRequest request)
    {
        var header = request.Headers.Authorization.ToString();
        if (header.StartsWith("Bearer ", StringComparison.Ordinal) && _mcpAccessTokens.TryGetValue(header[7..], out var resource) && resource == McpServerUrl(server))
        {
            return Results.Json(new { jsonrpc = "2.0", id = 1, result = new { protocolVersion = "2025-06-18", serverInfo = new { name = "fake-mcp" } } });
        }

        // Only /mcp names its metadata in the challenge; /mcp-alt leaves the client to the well-known URL.
        if (server == "mcp")
        {
            request.HttpContext.Response.Headers.WWWAuthenticate =
                $"Bearer error=\"invalid_token\", resource_metadata=\"{BaseUrl}/.well-known/oauth-protected-resource/{server}\"";
        }

        return Results.StatusCode(StatusCodes.Status401Unauthorized);
    }

    private async Task<IResult> McpRegisterAsync(HttpRequest request)
    {
        Interlocked.Increment(ref _mcpRegistrations);
        var body = await JsonNode.ParseAsync(request.Body) as JsonObject;
        var redirectUris = (body?["redirect_uris"] as JsonArray)?.Select(uri => uri?.ToString() ?? "").ToArray() ?? [];
        var grants = (body?["grant_types"] as JsonArray)?.Select(grant => grant?.ToString()).ToArray() ?? [];
        if (McpRefuseRegistration)
        {
            return Error("invalid_client_metadata", "registration is closed for this test");
        }

        if (redirectUris.Length == 0 || !grants.Contains("authorization_code") || !grants.Contains("refresh_token")
            || body?["token_endpoint_auth_method"]?.ToString() != McpTokenEndpointAuthMethod || string.IsNullOrEmpty(body?["client_name"]?.ToString()))
        {
            return Error("invalid_client_metadata", "redirect_uris, both grants, a listed token_endpoint_auth_method and client_name are required");
        }

        var clientId = $"mcp-client-{Guid.NewGuid():N}";
        var secret = McpTokenEndpointAuthMethod == "none" ? null : Secret("mcs");
        _mcpClients[clientId] = new McpRegisteredClient(redirectUris, secret);
        return Results.Json(new
        {
            client_id = clientId,
            client_secret = secret,
            client_id_issued_at = DateTimeOffset.UtcNow.ToUnixTimeSeconds(),
            client_secret_expires_at = 0,
            redirect_uris = redirectUris,
            token_endpoint_auth_method = McpTokenEndpointAuthMethod,
        }, statusCode: StatusCodes.Status201Created);
    }

    private IResult McpAuthorize(HttpRequest request)
    {
        LastMcpAuthorizeQuery = request.Query;
        var query = request.Query;
        var redirectUri = query["redirect_uri"].ToString();
        if (!_mcpClients.TryGetValue(query["client_id"].ToString(), out var client) || !client.RedirectUris.Contains(redirectUri))
        {
            return Results.BadRequest("unknown client or unregistered redirect_uri");
        }

        if (query["code_challenge_method"] != "S256" || query["code_challenge"].ToString().Length == 0 || !IsMcpResource(query["resource"].ToString()))
        {
            return Results.Redirect(QueryHelpers.AddQueryString(redirectUri, new Dictionary<string, string?>
            {
                ["error"] = "invalid_request", ["error_description"] = "PKCE S256 and a known resource are required", ["state"] = query["state"].ToString(),
            }));
        }

        var code = Secret("mcode");
        _mcpCodes[code] = new McpGrant(query["client_id"].ToString(), redirectUri, query["code_challenge"].ToString(), query["resource"].ToString());
        return Results.Redirect(QueryHelpers.AddQueryString(redirectUri, new Dictionary<string, string?> { ["code"] = code, ["state"] = query["state"].ToString() }));
    }

    private async Task<IResult> McpTokenAsync(HttpRequest request)
    {
        var form = (await request.ReadFormAsync()).ToDictionary(pair => pair.Key, pair => pair.Value.ToString());
        LastMcpTokenForm = form;
        var clientId = McpAuthenticatedClient(request, form);
        if (clientId is null)
        {
            return Error("invalid_client", "client authentication failed", 401);
        }

        var resource = form.GetValueOrDefault("resource") ?? "";
        switch (form.GetValueOrDefault("grant_type"))
        {
            case "authorization_code":
                Interlocked.Increment(ref _mcpCodeExchanges);
                if (!_mcpCodes.TryRemove(form.GetValueOrDefault("code") ?? "", out var grant) || grant.ClientId != clientId)
                {
                    return Error("invalid_grant", "unknown or used code, or another client's");
                }

                if (grant.RedirectUri != form.GetValueOrDefault("redirect_uri") || grant.CodeChallenge != Challenge(form.GetValueOrDefault("code_verifier") ?? ""))
                {
                    return Error("invalid_grant", "redirect_uri or PKCE verification failed");
                }

                return grant.Resource == resource ? IssueMcpTokens(grant) : Error("invalid_target", "resource differs from the authorize request");

            case "refresh_token":
                Interlocked.Increment(ref _mcpRefreshCalls);
                if (!_mcpRefreshTokens.TryRemove(form.GetValueOrDefault("refresh_token") ?? "", out var held) || held.ClientId != clientId)
                {
                    return Error("invalid_grant", "refresh token is invalid, rotated or another client's");
                }

                return held.Resource == resource ? IssueMcpTokens(held) : Error("invalid_target", "resource differs from the grant");

            default:
                return Error("unsupported_grant_type", "unsupported grant_type");
        }
    }

    private IResult IssueMcpTokens(McpGrant grant)
    {
        var accessToken = Secret("mat");
        var refreshToken = Secret("mrt");
        _mcpAccessTokens[accessToken] = grant.Resource;
        _mcpRefreshTokens[refreshToken] = grant;
        return Results.Json(new { access_token = accessToken, token_type = "Bearer", expires_in = 3600, refresh_token = refreshToken, scope = McpScope });
    }

    // The registered method decides: a public client sends only its id, a confidential one its secret in the body or Basic.
    private string? McpAuthenticatedClient(HttpRequest request, Dictionary<string, string> form)
    {
        var header = request.Headers.Authorization.ToString();
        var (clientId, secret) = header.StartsWith("Basic ", StringComparison.Ordinal)
            ? Encoding.UTF8.GetString(Convert.FromBase64String(header[6..])).Split(':', 2) switch
            {
                [var id, var given] => (Uri.UnescapeDataString(id.Replace('+', ' ')), Uri.UnescapeDataString(given.Replace('+', ' '))),
                _ => ("", null),
            }
            : (form.GetValueOrDefault("client_id") ?? "", form.GetValueOrDefault("client_secret"));
        return _mcpClients.TryGetValue(clientId, out var client) && client.Secret == secret ? clientId : null;
    }

    private bool IsMcpResource(string resource) => resource == McpServerUrl() || resource == McpServerUrl("mcp-alt");

    private void ResetMcpCounters()
    {
        Interlocked.Exchange(ref _mcpRegistrations, 0);
        Interlocked.Exchange(ref _mcpCodeExchanges, 0);
        Interlocked.Exchange(ref _mcpRefreshCalls, 0);
    }

    private sealed record McpRegisteredClient(string[] RedirectUris, string? Secret);

    private sealed record McpGrant(string ClientId, string RedirectUri, string CodeChallenge, string Resource);
}
