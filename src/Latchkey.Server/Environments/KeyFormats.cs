using System.Security.Cryptography;
using System.Text.RegularExpressions;

namespace Latchkey.Server.Environments;

/// <summary>
/// Secret and public key formats. Generated secret keys are 256-bit random values (<c>lk_sk_</c> + 64 hex); UUID v4
/// keys are also accepted so keys carried over from a Nango deployment keep working (clients treat keys as opaque).
/// </summary>
public static partial class KeyFormats
{
    public static bool IsSecretKey(string value) => GeneratedSecretKey().IsMatch(value) || UuidV4().IsMatch(value);

    public static bool IsPublicKey(string value) => UuidV4().IsMatch(value);

    public static string NewSecretKey() => "lk_sk_" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(32));

    public static string NewPublicKey() => Guid.NewGuid().ToString();

    [GeneratedRegex("^lk_sk_[a-f0-9]{64}$")]
    private static partial Regex GeneratedSecretKey();

    [GeneratedRegex("^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$", RegexOptions.IgnoreCase)]
    private static partial Regex UuidV4();
}
