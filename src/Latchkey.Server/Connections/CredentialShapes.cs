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
                foreach (var key in obj.Select(p => p.Key).Where(IsRefreshTokenName).ToArray())
                {
                    obj.Remove(key);
                }

                foreach (var (_, child) in obj)
                {
                    StripRefreshTokens(child);
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

    private static bool IsRefreshTokenName(string name) =>
        string.Equals(new string(name.Where(char.IsAsciiLetter).ToArray()), "refreshtoken", StringComparison.OrdinalIgnoreCase);
}
