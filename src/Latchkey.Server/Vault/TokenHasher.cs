using System.Security.Cryptography;
using System.Text;

namespace Latchkey.Server.Vault;

/// <summary>
/// Keyed hashes (HMAC-SHA256) of values that only need matching: secret keys, session tokens, OAuth state.
/// They are 256-bit random values, not passwords, so a fast keyed hash is right; a slow KDF would only make
/// creating a session cost tens of milliseconds. Lookups try every key of the ring so rotation breaks nothing.
/// </summary>
public sealed class TokenHasher(KeyRing keyRing)
{
    public string Hash(string token) => Hash(keyRing.Current, token);

    public IReadOnlyList<string> Candidates(string token)
    {
        if (keyRing.Keys.Count == 1)
        {
            return [Hash(keyRing.Current, token)];
        }

        return keyRing.Keys.Select(key => Hash(key, token)).Distinct().ToArray();
    }

    private static string Hash(EncryptionKey key, string token) =>
        Convert.ToHexStringLower(HMACSHA256.HashData(key.LookupKey, Encoding.UTF8.GetBytes(token)));
}
