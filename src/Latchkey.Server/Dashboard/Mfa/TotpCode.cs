using OtpNet;

namespace Latchkey.Server.Dashboard.Mfa;

/// <summary>
/// Time-based one-time passwords as authenticator apps make them (RFC 6238): HMAC-SHA-1, 30-second steps, 6 digits,
/// the step before and after accepted for clock drift (RFC 6238 §5.2). The arithmetic is Otp.NET's.
/// </summary>
public static class TotpCode
{
    public const int Digits = 6;
    public const int StepSeconds = 30;

    /// <summary>A new 160-bit secret (RFC 4226 §4 recommends the HMAC's output size).</summary>
    public static byte[] NewSecret() => KeyGeneration.GenerateRandomKey(20);

    public static string Base32(byte[] secret) => Base32Encoding.ToString(secret).TrimEnd('=');

    /// <summary>The otpauth:// URI authenticator apps scan (the Key Uri Format of Google Authenticator, which the others follow).</summary>
    public static string Uri(string issuer, string account, byte[] secret) =>
        $"otpauth://totp/{System.Uri.EscapeDataString(issuer)}:{System.Uri.EscapeDataString(account)}" +
        $"?secret={Base32(secret)}&issuer={System.Uri.EscapeDataString(issuer)}&algorithm=SHA1&digits={Digits}&period={StepSeconds}";

    public static string Compute(byte[] secret, DateTimeOffset at, int digits = Digits) =>
        new Totp(secret, StepSeconds, OtpHashMode.Sha1, digits).ComputeTotp(at.UtcDateTime);

    /// <summary>The time step the code belongs to (now, one before or one after), or null when it matches none.</summary>
    public static long? MatchingStep(byte[] secret, string code, DateTimeOffset now)
    {
        if (code.Length != Digits || !code.All(char.IsAsciiDigit))
        {
            return null;
        }

        var totp = new Totp(secret, StepSeconds, OtpHashMode.Sha1, Digits);
        return totp.VerifyTotp(now.UtcDateTime, code, out var step, VerificationWindow.RfcSpecifiedNetworkDelay) ? step : null;
    }

    /// <summary>What a person typed, without the spaces and dashes some apps show in the middle.</summary>
    public static string Clean(string typed) => new(typed.Where(c => !char.IsWhiteSpace(c) && c != '-').ToArray());
}
