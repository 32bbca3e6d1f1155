using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using Latchkey.Server.Hosting;
using Latchkey.Server.Providers;
using Latchkey.Server.Tokens;

namespace Latchkey.Server.OAuth;

/// <summary>What an OAuth 2 authorization request is made of (spec §5.3).</summary>
public sealed record AuthorizationRequest(
    Provider Provider,
    string ClientId,
    string CallbackUrl,
    string State,
    IReadOnlyList<string> Scopes,
    JsonObject ConnectionConfig,
    string? CodeVerifier,
    IReadOnlyDictionary<string, string> RequestParams,
    string? UserScope);

/// <summary>Builds the provider's authorize URL from its catalog entry, exactly in the order of spec §5.3.</summary>
public static class AuthorizationUrl
{
    /// <summary>PKCE verifier: 32 random bytes, base64url (43 characters of the RFC 7636 alphabet).</summary>
    public static string NewCodeVerifier() => System.Buffers.Text.Base64Url.EncodeToString(RandomNumberGenerator.GetBytes(32));

    public static string Challenge(string verifier) => System.Buffers.Text.Base64Url.EncodeToString(SHA256.HashData(Encoding.ASCII.GetBytes(verifier)));


    public static Outcome<string> Build(AuthorizationRequest request)
    {
        var provider = request.Provider;
        var values = TemplateValues.Of(request.ConnectionConfig);
        var skipEncode = provider.Definition.GetStringList("authorization_url_skip_encode");
        var baseUrl = ProviderUrls.Render(provider.AuthorizationUrl ?? "", values, skipEncoding: skipEncode.Contains("base_url"));
        if (baseUrl is null)
        {
            return ParamError("authorization_url", request.ConnectionConfig);
        }

        var parameters = new List<KeyValuePair<string, string>>();
        void Set(string key, string value)
        {
            parameters.RemoveAll(p => p.Key == key);
            parameters.Add(KeyValuePair.Create(key, value));
        }

        Set("response_type", "code");
        Set("client_id", request.ClientId);
        Set("redirect_uri", request.CallbackUrl);
        Set("scope", string.Join(provider.ScopeSeparator, request.Scopes)); // present even when empty (spec §5.3)
        Set("state", request.State);
        foreach (var (key, template) in provider.AuthorizationParams)
        {
            var value = Template.Render(template, values);
            if (!Template.IsComplete(value))
            {
                return ParamError("authorization_params", request.ConnectionConfig);
            }

            Set(key, value);
        }

        if (request.CodeVerifier is not null)
        {
            Set("code_challenge", Challenge(request.CodeVerifier));
            Set("code_challenge_method", "S256");
        }

        ProviderQuirks.AddAuthorizationParams(provider, request.UserScope, Set);
        foreach (var (key, value) in request.RequestParams)
        {
            if (value == "undefined")
            {
                parameters.RemoveAll(p => p.Key == key); // the SDK's way of deleting a template parameter (spec §2.4)
            }
            else
            {
                Set(key, value);
            }
        }

        return Assemble(provider, baseUrl.ToString(), parameters, skipEncode);
    }

    private static string Assemble(Provider provider, string baseUrl, List<KeyValuePair<string, string>> parameters, IReadOnlyList<string> skipEncode)
    {
        if (provider.Definition.GetFlag("authorization_url_skip_empty"))
        {
            parameters.RemoveAll(p => p.Value.Length == 0);
        }

        var rawScope = skipEncode.Contains("scopes") ? parameters.FirstOrDefault(p => p.Key == "scope").Value : null;
        if (rawScope is not null)
        {
            parameters.RemoveAll(p => p.Key == "scope");
        }

        var query = FormEncoding.Join(parameters) + (rawScope is null ? "" : $"&scope={rawScope}");
        var fragment = provider.Definition.GetString("authorization_url_fragment");
        var url = fragment is not null ? $"{baseUrl}#{fragment}?{query}"
            : baseUrl + (baseUrl.Contains('?', StringComparison.Ordinal) ? "&" : "?") + query;
        foreach (var (from, to) in provider.Definition.GetStringMap("authorization_url_replacements"))
        {
            url = url.Replace(from, to, StringComparison.Ordinal);
        }

        return url;
    }

    private static ApiError ParamError(string what, JsonObject config) =>
        ApiError.BadRequest(ErrorCodes.UrlParamErr,
            $"The provider's {what} needs connection settings that were not given (provided: {string.Join(", ", config.Select(p => p.Key).DefaultIfEmpty("none"))}).");
}
