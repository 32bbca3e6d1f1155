using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Latchkey.Server.Hosting;
using Latchkey.Server.Providers;

namespace Latchkey.Server.Tokens;

/// <summary>What discovery found: the authorization server of an MCP server and what it supports.</summary>
public sealed record McpAuthorizationServer(
    string Issuer,
    string AuthorizationEndpoint,
    string TokenEndpoint,
    Uri? RegistrationEndpoint,
    string Resource,
    IReadOnlyList<string> TokenEndpointAuthMethods,
    IReadOnlyList<string> SuggestedScopes);

/// <summary>
/// Finds the authorization server of a remote MCP server, as the MCP authorization specification asks a client to:
/// <list type="number">
/// <item>an unauthenticated request to the server; a 401's <c>WWW-Authenticate: Bearer resource_metadata="…"</c> names
/// its protected resource metadata (RFC 9728 §5.1), else the well-known URLs are tried, path-inserted then root (§3.1);</item>
/// <item>the metadata's first <c>authorization_servers</c> entry is the issuer (a server without protected resource
/// metadata is its own authorization server, as in the first MCP revision);</item>
/// <item>the issuer's RFC 8414 metadata (<c>oauth-authorization-server</c>, then OpenID Connect's
/// <c>openid-configuration</c>), whose <c>issuer</c> must be the one asked for (RFC 8414 §3.3, against mix-up).</item>
/// </list>
/// </summary>
public sealed partial class McpDiscovery(MetadataDocuments documents)
{
    public async Task<Outcome<McpAuthorizationServer>> DiscoverAsync(Uri serverUrl, CancellationToken cancellationToken)
    {
        var probe = await documents.ProbeAsync(serverUrl, InitializeRequest(), cancellationToken);
        if (probe.Status == 0)
        {
            return Fail(serverUrl, $"the server could not be reached ({probe.Failure})");
        }

        var challenge = ChallengeParameters(probe.Challenge?.Parameter);
        var resourceMetadata = await ProtectedResourceMetadataAsync(serverUrl, challenge.GetValueOrDefault("resource_metadata"), cancellationToken);
        var issuer = resourceMetadata?["authorization_servers"] is JsonArray servers && servers.FirstOrDefault() is JsonValue first
            ? first.ToString()
            : serverUrl.GetLeftPart(UriPartial.Authority);
        if (!IsHttpUrl(issuer, out var issuerUrl))
        {
            return Fail(serverUrl, "its protected resource metadata names no valid authorization server");
        }

        var metadata = await AuthorizationServerMetadataAsync(issuerUrl, cancellationToken);
        if (metadata is null)
        {
            return Fail(serverUrl, $"no OAuth authorization server metadata was found for {issuerUrl.GetLeftPart(UriPartial.Path)}");
        }

        var authorize = metadata.GetString("authorization_endpoint");
        var token = metadata.GetString("token_endpoint");
        var registration = metadata.GetString("registration_endpoint");
        if (!IsHttpUrl(authorize, out _) || !IsHttpUrl(token, out _))
        {
            return Fail(serverUrl, "its authorization server metadata lacks a valid authorization_endpoint or token_endpoint");
        }

        // MCP requires PKCE with S256; a server that lists its methods without it would reject the flow later anyway.
        if (metadata["code_challenge_methods_supported"] is JsonArray methods && !methods.Any(m => m?.ToString() == "S256"))
        {
            return Fail(serverUrl, "its authorization server does not support PKCE with S256");
        }

        var scopes = challenge.TryGetValue("scope", out var challenged) ? challenged.Split(' ', StringSplitOptions.RemoveEmptyEntries)
            : Strings(resourceMetadata?["scopes_supported"]);
        return new McpAuthorizationServer(issuer, authorize!, token!, IsHttpUrl(registration, out var registrationUrl) ? registrationUrl : null,
            ResourceOf(serverUrl, resourceMetadata), Strings(metadata["token_endpoint_auth_methods_supported"]), scopes);
    }

    private async Task<JsonObject?> ProtectedResourceMetadataAsync(Uri serverUrl, string? fromChallenge, CancellationToken cancellationToken)
    {
        var path = serverUrl.AbsolutePath.TrimEnd('/');
        var origin = serverUrl.GetLeftPart(UriPartial.Authority);
        List<string> candidates = IsHttpUrl(fromChallenge, out var named) ? [named.ToString()] : [];
        if (path.Length > 0)
        {
            candidates.Add($"{origin}/.well-known/oauth-protected-resource{path}");
        }

        candidates.Add($"{origin}/.well-known/oauth-protected-resource");
        foreach (var candidate in candidates)
        {
            var answer = await documents.GetAsync(new Uri(candidate), cancellationToken);
            if (answer.IsJson && answer.Body!["authorization_servers"] is JsonArray)
            {
                return answer.Body;
            }
        }

        return null;
    }

    private async Task<JsonObject?> AuthorizationServerMetadataAsync(Uri issuer, CancellationToken cancellationToken)
    {
        var path = issuer.AbsolutePath.TrimEnd('/');
        var origin = issuer.GetLeftPart(UriPartial.Authority);
        string[] candidates = path.Length == 0
            ? [$"{origin}/.well-known/oauth-authorization-server", $"{origin}/.well-known/openid-configuration"]
            : [$"{origin}/.well-known/oauth-authorization-server{path}", $"{origin}/.well-known/openid-configuration{path}", $"{origin}{path}/.well-known/openid-configuration"];
        foreach (var candidate in candidates)
        {
            var answer = await documents.GetAsync(new Uri(candidate), cancellationToken);
            if (answer.IsJson && SameIssuer(answer.Body!.GetString("issuer"), issuer))
            {
                return answer.Body;
            }
        }

        return null;
    }

    // RFC 9728 §3.3 asks for the exact identifier; servers often name their origin instead of the endpoint's path, so
    // any resource on the server's own origin is accepted and sent as the RFC 8707 resource, else the server URL itself.
    private static string ResourceOf(Uri serverUrl, JsonObject? resourceMetadata) =>
        IsHttpUrl(resourceMetadata?.GetString("resource"), out var resource) &&
        string.Equals(resource.GetLeftPart(UriPartial.Authority), serverUrl.GetLeftPart(UriPartial.Authority), StringComparison.OrdinalIgnoreCase)
            ? resourceMetadata!.GetString("resource")!
            : serverUrl.ToString();

    private static bool SameIssuer(string? declared, Uri asked) =>
        declared is not null && string.Equals(declared.TrimEnd('/'), asked.ToString().TrimEnd('/'), StringComparison.Ordinal);

    // Absolute http(s), no fragment, and no template placeholder: these values become catalog URLs for the engine.
    private static bool IsHttpUrl(string? text, out Uri url)
    {
        url = null!;
        return text is { Length: > 0 and <= McpServers.MaxUrlLength } && !text.Contains("${", StringComparison.Ordinal) &&
               Uri.TryCreate(text, UriKind.Absolute, out url!) && url.Scheme is "https" or "http" && url.Fragment.Length == 0;
    }

    private static string[] Strings(JsonNode? node) =>
        node is JsonArray array ? array.OfType<JsonValue>().Select(value => value.ToString()).Where(value => value.Length > 0).ToArray() : [];

    /// <summary>The auth-params of a challenge (RFC 9110 §11.2): <c>name=token</c> or <c>name="quoted"</c>.</summary>
    internal static Dictionary<string, string> ChallengeParameters(string? parameters)
    {
        var result = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (Match match in AuthParam().Matches(parameters ?? ""))
        {
            result.TryAdd(match.Groups["name"].Value,
                match.Groups["quoted"].Success ? QuotedPair().Replace(match.Groups["quoted"].Value, "$1") : match.Groups["token"].Value);
        }

        return result;
    }

    // The first message of the MCP lifecycle; a server that requires authorization answers it with 401 and its challenge.
    private static JsonObject InitializeRequest() => new()
    {
        ["jsonrpc"] = "2.0",
        ["id"] = 1,
        ["method"] = "initialize",
        ["params"] = new JsonObject
        {
            ["protocolVersion"] = "2025-06-18",
            ["capabilities"] = new JsonObject(),
            ["clientInfo"] = new JsonObject { ["name"] = "Latchkey", ["version"] = "1.0" },
        },
    };

    private static ApiError Fail(Uri serverUrl, string reason) =>
        ApiError.BadRequest(ErrorCodes.ProviderConfigErr, $"The authorization of the MCP server {serverUrl.GetLeftPart(UriPartial.Path)} could not be discovered: {reason}.");

    [GeneratedRegex("""(?<name>[A-Za-z0-9_\-]+)\s*=\s*(?:"(?<quoted>(?:[^"\\]|\\.)*)"|(?<token>[^\s,]+))""")]
    private static partial Regex AuthParam();

    [GeneratedRegex(@"\\(.)")]
    private static partial Regex QuotedPair();
}
