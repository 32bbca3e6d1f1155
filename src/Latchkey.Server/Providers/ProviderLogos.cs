using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace Latchkey.Server.Providers;

/// <summary>
/// <c>/images/template-logos/&lt;provider&gt;.svg</c> (spec §8.5). A bundled icon is served when one ships under
/// <c>wwwroot/images/template-logos</c>; otherwise a monogram in a colour derived from the name, so every provider
/// has a stable, recognisable logo and no request leaves the server.
/// </summary>
public static class ProviderLogos
{
    /// <summary>
    /// The brand's initial, and the next word's when there is one (Google Calendar → GC): words are taken from the
    /// display name up to any parenthesis, so "Microsoft (Entra ID)" is M, never "M(".
    /// </summary>
    public static string Initials(string displayName)
    {
        var name = displayName.Split('(')[0];
        var letters = new string(name.Split([' ', '-', '_', '.', '/', '&'], StringSplitOptions.RemoveEmptyEntries)
            .Where(word => char.IsLetterOrDigit(word[0])).Take(2).Select(word => char.ToUpperInvariant(word[0])).ToArray());
        return letters.Length > 0 ? letters : "?";
    }

    public static string Monogram(string providerName, string displayName)
    {
        var letters = Initials(displayName);

        var hue = BitConverter.ToUInt16(SHA256.HashData(Encoding.UTF8.GetBytes(providerName)), 0) % 360;
        var fill = $"hsl({hue.ToString(CultureInfo.InvariantCulture)} 55% 42%)";
        return $"""
            <svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 64 64" role="img" aria-label="{Escape(displayName)}">
            <rect width="64" height="64" rx="14" fill="{fill}"/>
            <text x="32" y="32" dy=".35em" text-anchor="middle" font-family="system-ui,-apple-system,Segoe UI,sans-serif" font-size="{(letters.Length > 1 ? 24 : 30)}" font-weight="600" fill="#fff">{Escape(letters)}</text>
            </svg>
            """;
    }

    private static string Escape(string text) => text.Replace("&", "&amp;", StringComparison.Ordinal)
        .Replace("<", "&lt;", StringComparison.Ordinal).Replace(">", "&gt;", StringComparison.Ordinal).Replace("\"", "&quot;", StringComparison.Ordinal);
}
