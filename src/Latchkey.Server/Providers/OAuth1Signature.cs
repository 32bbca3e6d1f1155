using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.WebUtilities;

namespace Latchkey.Server.Providers;

/// <summary>
/// OAuth 1.0a request signing (RFC 5849 §3.4): the signature base string from the method, the base URI and the
/// normalized parameters (protocol, query and form parameters), signed with HMAC-SHA1, HMAC-SHA256 or PLAINTEXT.
/// Shared by the OAuth 1 flow and by NetSuite's token-based authentication, which signs every API request this way.
/// </summary>
public static class OAuth1Signature
{
    /// <summary>RFC 3986 percent-encoding of everything but the unreserved characters (RFC 5849 §3.6).</summary>
    public static string Encode(string value)
    {
        var builder = new StringBuilder(value.Length * 2);
        foreach (var b in Encoding.UTF8.GetBytes(value))
        {
            if (b is (>= (byte)'A' and <= (byte)'Z') or (>= (byte)'a' and <= (byte)'z') or (>= (byte)'0' and <= (byte)'9') or (byte)'-' or (byte)'.' or (byte)'_' or (byte)'~')
            {
                builder.Append((char)b);
            }
            else
            {
                builder.Append('%').Append(b.ToString("X2", CultureInfo.InvariantCulture));
            }
        }

        return builder.ToString();
    }

    /// <summary>RFC 5849 §3.4.1: METHOD &amp; base URI &amp; normalized parameters, each encoded.</summary>
    public static string BaseString(string method, Uri url, IEnumerable<KeyValuePair<string, string>> parameters)
    {
        var port = url.IsDefaultPort ? "" : $":{url.Port}";
        var baseUri = $"{url.Scheme.ToLowerInvariant()}://{url.Host.ToLowerInvariant()}{port}{url.AbsolutePath}";
        var normalized = string.Join('&', parameters
            .Select(p => (Key: Encode(p.Key), Value: Encode(p.Value)))
            .OrderBy(p => p.Key, StringComparer.Ordinal)
            .ThenBy(p => p.Value, StringComparer.Ordinal)
            .Select(p => $"{p.Key}={p.Value}"));
        return $"{method.ToUpperInvariant()}&{Encode(baseUri)}&{Encode(normalized)}";
    }

    public static string Sign(string signatureMethod, string baseString, string consumerSecret, string? tokenSecret)
    {
        var key = $"{Encode(consumerSecret)}&{Encode(tokenSecret ?? "")}";
        return signatureMethod switch
        {
            "PLAINTEXT" => key,
#pragma warning disable CA5350 // HMAC-SHA1 is what RFC 5849 and the OAuth 1 providers define
            "HMAC-SHA1" => Convert.ToBase64String(HMACSHA1.HashData(Encoding.ASCII.GetBytes(key), Encoding.ASCII.GetBytes(baseString))),
#pragma warning restore CA5350
            "HMAC-SHA256" => Convert.ToBase64String(HMACSHA256.HashData(Encoding.ASCII.GetBytes(key), Encoding.ASCII.GetBytes(baseString))),
            _ => throw new NotSupportedException($"OAuth 1 signature method {signatureMethod} is not supported."),
        };
    }

    /// <summary>The <c>Authorization: OAuth …</c> header value for the protocol parameters (RFC 5849 §3.5.1).</summary>
    public static string Header(IEnumerable<KeyValuePair<string, string>> protocolParameters) =>
        "OAuth " + string.Join(", ", protocolParameters.Select(p => $"{Encode(p.Key)}=\"{Encode(p.Value)}\""));

    /// <summary>
    /// Signs an API request with a token (RFC 5849 §3.5.1 header): the protocol parameters and the URL's query take
    /// part in the signature; a form body does not (it may be streamed), and neither does <paramref name="realm"/>.
    /// </summary>
    public static void SignRequest(
        HttpRequestMessage request, string signatureMethod, string consumerKey, string consumerSecret, string token, string? tokenSecret,
        DateTimeOffset now, string? realm = null)
    {
        var url = request.RequestUri!;
        var protocol = new List<KeyValuePair<string, string>>
        {
            new("oauth_consumer_key", consumerKey),
            new("oauth_nonce", Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16))),
            new("oauth_signature_method", signatureMethod),
            new("oauth_timestamp", now.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture)),
            new("oauth_token", token),
            new("oauth_version", "1.0"),
        };
        var query = QueryHelpers.ParseQuery(url.Query).SelectMany(pair => pair.Value.Select(value => KeyValuePair.Create(pair.Key, value ?? "")));
        var baseString = BaseString(request.Method.Method, url, protocol.Concat(query));
        protocol.Add(new("oauth_signature", Sign(signatureMethod, baseString, consumerSecret, tokenSecret)));
        var header = Header(protocol);
        request.Headers.TryAddWithoutValidation("Authorization", realm is null ? header : $"OAuth realm=\"{Encode(realm)}\", {header["OAuth ".Length..]}");
    }
}
