using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace Latchkey.Server.Providers;

/// <summary>
/// Renders catalog templates (spec §5.13): <c>${path}</c> lookups, functions whose arguments are templates
/// (<c>${base64(${username}:${password})}</c>), <c>${now…}</c>, <c>${random}</c> and the <c>left || right</c>
/// fallback. Besides the reference's functions, Latchkey has <c>${upper(x)}</c> and <c>${split(x, separator, index)}</c>
/// (one part of a value such as Ghost's "id:secret" Admin API key; an index past the last part leaves the placeholder). A placeholder that cannot be resolved is left in place, so callers detect it with <see cref="IsComplete"/>.
/// </summary>
public static class Template
{
    private const string Fallback = " || ";

    public static bool IsComplete(string rendered) => !rendered.Contains("${", StringComparison.Ordinal);

    /// <param name="template">The catalog string.</param>
    /// <param name="values">What placeholders can reference.</param>
    /// <param name="encode">Percent-encode substituted values.</param>
    /// <param name="now">The clock for <c>${now}</c>.</param>
    public static string Render(string template, TemplateValues values, bool encode = false, DateTimeOffset? now = null) =>
        Render(template, new RenderContext(values, encode, now ?? DateTimeOffset.UtcNow, null));

    /// <summary>
    /// Renders with <paramref name="substitute"/> deciding the text of each resolved placeholder from the output so far
    /// (which tells where in a URL it lands), the expression and its value; a null answer leaves the placeholder unresolved.
    /// </summary>
    internal static string Render(string template, TemplateValues values, Substitution substitute, DateTimeOffset? now = null) =>
        Render(template, new RenderContext(values, false, now ?? DateTimeOffset.UtcNow, substitute));

    private static string Render(string template, RenderContext context)
    {
        var split = template.IndexOf(Fallback, StringComparison.Ordinal);
        if (split < 0)
        {
            return RenderPart(template, context);
        }

        // `left || right`: left wins when every placeholder in it resolved, otherwise right (which may be literal).
        var left = RenderPart(template[..split].Trim(), context);
        return IsComplete(left) ? left : Render(template[(split + Fallback.Length)..].Trim(), context);
    }

    private static string RenderPart(string template, RenderContext context)
    {
        var output = new StringBuilder(template.Length);
        var position = 0;
        while (position < template.Length)
        {
            var start = template.IndexOf("${", position, StringComparison.Ordinal);
            if (start < 0)
            {
                output.Append(template, position, template.Length - position);
                break;
            }

            output.Append(template, position, start - position);
            var end = FindClosingBrace(template, start + 2);
            if (end < 0)
            {
                output.Append(template, start, template.Length - start);
                break;
            }

            var expression = template[(start + 2)..end];
            var value = Evaluate(expression.Trim(), context);
            var text = value is null ? null
                : context.Substitute is { } substitute ? substitute(output.ToString(), expression.Trim(), value, template[(end + 1)..])
                : context.Encode ? Uri.EscapeDataString(value) : value;
            output.Append(text ?? template[start..(end + 1)]);
            position = end + 1;
        }

        return output.ToString();
    }

    private static string? Evaluate(string expression, RenderContext context)
    {
        var open = expression.IndexOf('(', StringComparison.Ordinal);
        if (open > 0 && expression.EndsWith(')') && IsIdentifier(expression.AsSpan(0, open)))
        {
            var arguments = SplitArguments(expression[(open + 1)..^1])
                .Select(argument => RenderPart(argument, context with { Encode = false, Substitute = null }))
                .ToArray();
            return arguments.All(IsComplete) ? CallFunction(expression[..open], arguments) : null;
        }

        if (expression == "random")
        {
            return context.Random;
        }

        if (expression == "now" || expression.StartsWith("now:", StringComparison.Ordinal) || expression.StartsWith("now+", StringComparison.Ordinal))
        {
            return NowExpression.Render(expression, context.Now);
        }

        return context.Values.Find(expression);
    }

    private static string? CallFunction(string name, string[] arguments) => (name, arguments.Length) switch
    {
        ("base64", 1) => Convert.ToBase64String(Encoding.UTF8.GetBytes(arguments[0])),
        ("sha256Hex", 1) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(arguments[0]))),
        ("sha256Base64", 1) => Convert.ToBase64String(SHA256.HashData(Encoding.UTF8.GetBytes(arguments[0]))),
#pragma warning disable CA5350 // HMAC-SHA1 is what the providers using this function specify; it is not our choice
        ("hmacSha1Hex", 2) => Convert.ToHexStringLower(HMACSHA1.HashData(Encoding.UTF8.GetBytes(arguments[1]), Encoding.UTF8.GetBytes(arguments[0]))),
#pragma warning restore CA5350
        ("fingerprint", 1) => Fingerprint(arguments[0]),
        ("upper", 1) => arguments[0].ToUpperInvariant(),
        ("split", 3) => arguments[1].Length > 0 && int.TryParse(arguments[2], NumberStyles.None, CultureInfo.InvariantCulture, out var index) &&
                        arguments[0].Split(arguments[1]) is var parts && index < parts.Length ? parts[index] : null,
        _ => null,
    };

    /// <summary>
    /// <c>SHA256:</c> + base64 of the SHA-256 of the public key's SubjectPublicKeyInfo DER (spec §5.13), from a PEM
    /// private or public RSA or EC key — what Snowflake calls the key's fingerprint. Null when the PEM is no such key.
    /// </summary>
    private static string? Fingerprint(string pem)
    {
        byte[]? spki = null;
        try
        {
            using var rsa = RSA.Create();
            rsa.ImportFromPem(pem);
            spki = rsa.ExportSubjectPublicKeyInfo();
        }
        catch (Exception exception) when (exception is ArgumentException or CryptographicException)
        {
            try
            {
                using var ec = ECDsa.Create();
                ec.ImportFromPem(pem);
                spki = ec.ExportSubjectPublicKeyInfo();
            }
            catch (Exception inner) when (inner is ArgumentException or CryptographicException)
            {
                // Not a key this function can read: the placeholder stays, and the caller reports the template unfilled.
            }
        }

        return spki is null ? null : "SHA256:" + Convert.ToBase64String(SHA256.HashData(spki));
    }

    private static int FindClosingBrace(string text, int from)
    {
        var depth = 0;
        for (var i = from; i < text.Length; i++)
        {
            if (text[i] == '$' && i + 1 < text.Length && text[i + 1] == '{')
            {
                depth++;
                i++;
            }
            else if (text[i] == '}')
            {
                if (depth == 0)
                {
                    return i;
                }

                depth--;
            }
        }

        return -1;
    }

    // Splits on commas that are not inside a nested ${...} or (...), so values may contain commas once rendered.
    private static List<string> SplitArguments(string text)
    {
        var result = new List<string>();
        var depth = 0;
        var start = 0;
        for (var i = 0; i < text.Length; i++)
        {
            switch (text[i])
            {
                case '{' or '(':
                    depth++;
                    break;
                case '}' or ')':
                    depth--;
                    break;
                case ',' when depth == 0:
                    result.Add(text[start..i].Trim());
                    start = i + 1;
                    break;
            }
        }

        result.Add(text[start..].Trim());
        return result;
    }

    private static bool IsIdentifier(ReadOnlySpan<char> text)
    {
        foreach (var c in text)
        {
            if (!char.IsAsciiLetterOrDigit(c))
            {
                return false;
            }
        }

        return true;
    }

    private sealed record RenderContext(TemplateValues Values, bool Encode, DateTimeOffset Now, Substitution? Substitute)
    {
        // ${random} is one UUID for every occurrence within one render (spec §5.13).
        public string Random { get; } = Guid.NewGuid().ToString();
    }
}

/// <summary>
/// The text a resolved placeholder becomes, given the output before it, its expression, its value and the template text
/// after it; null refuses it.
/// </summary>
internal delegate string? Substitution(string renderedBefore, string expression, string value, string templateAfter);

/// <summary><c>${now}</c>, <c>${now:FORMAT}</c> and <c>${now+N:unit:FORMAT}</c> with day.js-style tokens, in UTC.</summary>
internal static class NowExpression
{
    public static string? Render(string expression, DateTimeOffset now)
    {
        var parts = expression.Split(':', 3);
        var instant = now.ToUniversalTime();
        var format = parts.Length > 1 ? parts[^1] : null;
        if (parts[0].StartsWith("now+", StringComparison.Ordinal))
        {
            if (parts.Length < 2 || !int.TryParse(parts[0]["now+".Length..], CultureInfo.InvariantCulture, out var amount))
            {
                return null;
            }

            instant = parts[1] switch
            {
                "s" or "second" or "seconds" => instant.AddSeconds(amount),
                "m" or "minute" or "minutes" => instant.AddMinutes(amount),
                "h" or "hour" or "hours" => instant.AddHours(amount),
                "d" or "day" or "days" => instant.AddDays(amount),
                _ => instant,
            };
            format = parts.Length > 2 ? parts[2] : null;
        }

        return format switch
        {
            null => instant.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture),
            "X" => instant.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture),
            "x" => instant.ToUnixTimeMilliseconds().ToString(CultureInfo.InvariantCulture),
            _ => instant.ToString(ToDotNetFormat(format), CultureInfo.InvariantCulture),
        };
    }

    private static string ToDotNetFormat(string dayJs) => dayJs
        .Replace("YYYY", "yyyy", StringComparison.Ordinal)
        .Replace("DD", "dd", StringComparison.Ordinal)
        .Replace("SSS", "fff", StringComparison.Ordinal)
        .Replace("Z", "zzz", StringComparison.Ordinal);
}
