using System.Net.Http.Headers;
using Latchkey.Server.Providers;

namespace Latchkey.Server.Tokens;

/// <summary>
/// <c>token_headers</c> (spec §8.2): headers a catalog entry adds to its token requests — the OAuth 2 code exchange
/// and refresh, client credentials and TWO_STEP — rendered like the token params (<c>${base64(...)}</c> and friends).
/// </summary>
public static class TokenHeaders
{
    /// <summary>The rendered headers, or null when a placeholder stays unresolved.</summary>
    public static IReadOnlyDictionary<string, string>? Render(Provider provider, TemplateValues values, DateTimeOffset now)
    {
        var headers = provider.Definition.GetStringMap("token_headers")
            .ToDictionary(pair => pair.Key, pair => Template.Render(pair.Value, values, now: now), StringComparer.Ordinal);
        return headers.Values.All(Template.IsComplete) ? headers : null;
    }

    /// <summary>Sets the headers on the request, replacing what the engine set (the catalog knows its provider best).</summary>
    public static void Apply(HttpRequestMessage request, IReadOnlyDictionary<string, string> headers)
    {
        foreach (var (name, value) in headers)
        {
            // Content headers describe the body; a request without one has nothing for them to describe.
            var target = name.StartsWith("content-", StringComparison.OrdinalIgnoreCase) ? (HttpHeaders?)request.Content?.Headers : request.Headers;
            target?.Remove(name);
            target?.TryAddWithoutValidation(name, value);
        }
    }
}
