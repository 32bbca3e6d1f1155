using System.Text.Json.Nodes;
using Latchkey.Server.Hosting;
using Latchkey.Server.Providers;

namespace Latchkey.Server.Tokens;

/// <summary>A client registered at an authorization server (RFC 7591 §3.2.1). Never prints its secret.</summary>
public sealed record RegisteredClient(string ClientId, string? ClientSecret, string TokenEndpointAuthMethod, DateTimeOffset? SecretExpiresAt)
{
    public override string ToString() => $"RegisteredClient {{ {ClientId}, {TokenEndpointAuthMethod}, [secret redacted] }}";
}

/// <summary>
/// Dynamic client registration (RFC 7591) of Latchkey at an MCP server's authorization server: one redirect URI (the
/// callback), the authorization-code and refresh-token grants, and the token endpoint authentication the server lists,
/// preferring a public client (<c>none</c>: PKCE protects the code) over a client secret.
/// </summary>
public sealed class McpClientRegistration(MetadataDocuments documents)
{
    private static readonly string[] Preferred = ["none", "client_secret_post", "client_secret_basic"];

    public async Task<Outcome<RegisteredClient>> RegisterAsync(
        McpAuthorizationServer server, Uri registrationEndpoint, string callbackUrl, string clientName, JsonObject? registrationParams, CancellationToken cancellationToken)
    {
        // RFC 8414 §2: without a list, client_secret_basic is what the server supports.
        var supported = server.TokenEndpointAuthMethods.Count == 0 ? ["client_secret_basic"] : server.TokenEndpointAuthMethods;
        if (Preferred.FirstOrDefault(supported.Contains) is not { } method)
        {
            return Fail($"it accepts none of the client authentication methods Latchkey uses ({string.Join(", ", Preferred)})");
        }

        var request = new JsonObject
        {
            ["redirect_uris"] = new JsonArray(callbackUrl),
            ["grant_types"] = new JsonArray("authorization_code", "refresh_token"),
            ["response_types"] = new JsonArray("code"),
            ["token_endpoint_auth_method"] = method,
            ["client_name"] = clientName,
        };
        foreach (var (key, value) in registrationParams ?? [])
        {
            request[key] = value?.DeepClone(); // the catalog's registration_params (spec §8.2), e.g. a logo_uri or scope
        }

        var answer = await documents.PostJsonAsync(registrationEndpoint, request, cancellationToken);
        if (!answer.IsJson)
        {
            var reason = answer.Body?.GetString("error") is { } error
                ? $"{error}{(answer.Body.GetString("error_description") is { } text ? $": {Truncate(text)}" : "")} (HTTP {answer.Status})"
                : answer.Status == 0 ? answer.Failure : $"HTTP {answer.Status}";
            return Fail($"it refused the registration: {reason}");
        }

        var body = answer.Body!;
        if (body.GetString("client_id") is not { Length: > 0 and <= 1024 } clientId)
        {
            return Fail("its answer has no client_id");
        }

        var secret = body.GetString("client_secret") is { Length: > 0 } given ? given : null;
        var registeredMethod = body.GetString("token_endpoint_auth_method") ?? method;
        if (!Preferred.Contains(registeredMethod) || (registeredMethod != "none" && secret is null))
        {
            return Fail($"it registered the client for '{registeredMethod}' client authentication without a usable secret");
        }

        // RFC 7591 §3.2.1: client_secret_expires_at is in seconds, 0 meaning never.
        var expiresAt = body.GetNumber("client_secret_expires_at") is { } seconds and > 0 ? DateTimeOffset.FromUnixTimeSeconds((long)seconds) : (DateTimeOffset?)null;
        return new RegisteredClient(clientId, registeredMethod == "none" ? null : secret, registeredMethod, expiresAt);
    }

    private static ApiError Fail(string reason) =>
        ApiError.BadRequest(ErrorCodes.ProviderConfigErr, $"Latchkey could not register as a client of the MCP server's authorization server: {reason}.");

    private static string Truncate(string text) => text.Length > 200 ? text[..200] : text;
}
