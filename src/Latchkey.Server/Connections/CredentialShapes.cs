using System.Text.Json.Nodes;

namespace Latchkey.Server.Connections;

/// <summary>Rules about the stored credentials object (spec §4.6): it is kept in its wire shape, keyed by <c>type</c>.</summary>
public static class CredentialShapes
{
    /// <summary>
    /// Removes, recursively, every property whose name lower-cased with non-letters removed is <c>refreshtoken</c>
    /// (so <c>refresh_token</c>, <c>refreshToken</c>, <c>raw.refresh_token</c>…) — the spec's default for reads.
    /// </summary>
    public static void StripRefreshTokens(JsonNode? node)
    {
        switch (node)
        {
            case JsonObject obj:
                List<string>? doomed = null;
                foreach (var (key, child) in obj)
                {
                    if (IsRefreshTokenName(key))
                    {
                        (doomed ??= []).Add(key);
                    }
                    else
                    {
                        StripRefreshTokens(child);
                    }
                }

                foreach (var key in doomed ?? [])
                {
                    obj.Remove(key);
                }

                break;
            case JsonArray array:
                foreach (var child in array)
                {
                    StripRefreshTokens(child);
                }

                break;
        }
    }

    // Runs for every property of every credential read: compares letter by letter instead of building the stripped name.
    private static bool IsRefreshTokenName(string name)
    {
        const string Target = "refreshtoken";
        var matched = 0;
        foreach (var c in name)
        {
            if (!char.IsAsciiLetter(c))
            {
                continue;
            }

            if (matched == Target.Length || char.ToLowerInvariant(c) != Target[matched])
            {
                return false;
            }

            matched++;
        }

        return matched == Target.Length;
    }
}
