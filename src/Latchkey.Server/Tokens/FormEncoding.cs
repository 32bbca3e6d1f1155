using System.Text;

namespace Latchkey.Server.Tokens;

/// <summary><c>application/x-www-form-urlencoded</c> as browsers' URLSearchParams writes it (spaces become <c>+</c>).</summary>
public static class FormEncoding
{
    public static string Encode(string value) => Uri.EscapeDataString(value).Replace("%20", "+", StringComparison.Ordinal);

    public static string Join(IEnumerable<KeyValuePair<string, string>> parameters)
    {
        var builder = new StringBuilder();
        foreach (var (key, value) in parameters)
        {
            if (builder.Length > 0)
            {
                builder.Append('&');
            }

            builder.Append(Encode(key)).Append('=').Append(Encode(value));
        }

        return builder.ToString();
    }
}
