using System.Security.Cryptography;
using System.Text.RegularExpressions;

namespace Latchkey.Server.ConnectSessions;

/// <summary>Connect session tokens: <c>nango_connect_session_</c> + 64 hex characters of 256 random bits (spec §6.1).</summary>
public static partial class SessionTokens
{
    public const string Prefix = "nango_connect_session_";

    public static string New() => Prefix + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(32));

    public static bool HasValidFormat(string token) => Format().IsMatch(token);

    [GeneratedRegex("^nango_connect_session_[a-f0-9]{64}$")]
    private static partial Regex Format();
}
