using System.Globalization;

namespace Latchkey.Server.Hosting;

/// <summary>
/// The one start-up check of values that cannot even be read: every number and switch among the <c>LATCHKEY_*</c>
/// settings. Features bind their options and check ranges and formats themselves (<c>ValidateOnStart</c>), but a
/// binder that cannot parse a number keeps its default, so <c>LATCHKEY_PORT=abc</c> used to start on port 3003 as if
/// nothing was said. This runs first, when the server is built.
/// </summary>
public static class SettingsCheck
{
    /// <summary>Settings read as 64-bit whole numbers (byte sizes); the features check their ranges.</summary>
    public static readonly IReadOnlyList<string> LargeNumbers = ["LATCHKEY_MAX_BODY_BYTES", "LATCHKEY_PROXY_MAX_BODY_BYTES"];

    /// <summary>Every other setting read as a whole number; the features check their ranges.</summary>
    public static readonly IReadOnlyList<string> WholeNumbers =
    [
        "LATCHKEY_PORT", "LATCHKEY_CONNECTION_CACHE_SIZE", "LATCHKEY_OUTBOUND_TIMEOUT_SECONDS",
        "LATCHKEY_CONNECTION_LIMIT", "LATCHKEY_SESSION_MAX_CONNECTIONS", "LATCHKEY_LOG_RETENTION_DAYS",
        "LATCHKEY_WEBHOOK_POLL_MS", "LATCHKEY_WEBHOOK_MAX_ATTEMPTS",
        "LATCHKEY_PROXY_RETRY_BUFFER_BYTES", "LATCHKEY_PROXY_MAX_CONCURRENT_PER_CONNECTION",
        "LATCHKEY_PROXY_TIMEOUT_SECONDS", "LATCHKEY_SMTP_PORT",
        "LATCHKEY_RATE_LIMIT_API", "LATCHKEY_RATE_LIMIT_ENTRY", "LATCHKEY_RATE_LIMIT_LOGIN_IP", "LATCHKEY_RATE_LIMIT_LOGIN_FAILURES",
        "LATCHKEY_RATE_LIMIT_LOGIN_LOCKOUT_MINUTES", "LATCHKEY_RATE_LIMIT_WEBSOCKETS", "LATCHKEY_RATE_LIMIT_WEBSOCKETS_PER_IP",
        "LATCHKEY_RATE_LIMIT_WEBSOCKET_IDLE_SECONDS",
    ];

    /// <summary>Every setting read as a switch.</summary>
    public static readonly IReadOnlyList<string> Switches = ["LATCHKEY_PUBLIC_KEY_AUTH", "LATCHKEY_PROXY_ALLOW_BASE_URL_OVERRIDE"];

    /// <exception cref="StartupRefusalException">One line per value that cannot be read.</exception>
    public static void Run(IConfiguration configuration)
    {
        var problems = Problems(configuration);
        if (problems.Count > 0)
        {
            throw new StartupRefusalException(string.Join(Environment.NewLine, problems));
        }
    }

    public static IReadOnlyList<string> Problems(IConfiguration configuration)
    {
        var problems = new List<string>();
        foreach (var name in WholeNumbers)
        {
            // PORT is what several hosting platforms set; LATCHKEY_PORT wins over it (HostingFeature).
            var (named, text) = name == "LATCHKEY_PORT" && IsBlank(configuration[name]) ? ("PORT", configuration["PORT"]) : (name, configuration[name]);
            if (!IsBlank(text) && !int.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out _))
            {
                problems.Add($"{named} must be a whole number (at most {int.MaxValue}); '{Shown(text!)}' is not one.");
            }
        }

        foreach (var name in LargeNumbers)
        {
            var text = configuration[name];
            if (!IsBlank(text) && !long.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out _))
            {
                problems.Add($"{name} must be a whole number of bytes; '{Shown(text!)}' is not one.");
            }
        }

        foreach (var name in Switches)
        {
            var text = configuration[name];
            if (!IsBlank(text) && !bool.TryParse(text, out _))
            {
                problems.Add($"{name} must be true or false; '{Shown(text!)}' is neither.");
            }
        }

        return problems;
    }

    private static bool IsBlank(string? text) => string.IsNullOrWhiteSpace(text);

    // These are numbers and switches, never secrets; a long value is cut so the sentence stays one line.
    private static string Shown(string text) => text.Length > 40 ? text[..40] + "…" : text.ReplaceLineEndings(" ");
}
