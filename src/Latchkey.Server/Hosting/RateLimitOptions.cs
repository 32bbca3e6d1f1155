namespace Latchkey.Server.Hosting;

/// <summary>
/// The request limits (<c>LATCHKEY_RATE_LIMIT_*</c>), on by default with values no honest client reaches. A limit
/// of 0 turns that limit off. Every limit is kept in this instance's memory: N instances allow N times as much.
/// </summary>
public sealed class RateLimitOptions
{
    /// <summary><c>LATCHKEY_RATE_LIMIT_API</c>: authenticated API requests per environment per minute (spec §10.5).</summary>
    public int ApiPerMinute { get; set; } = 60_000;

    /// <summary><c>LATCHKEY_RATE_LIMIT_ENTRY</c>: credential-entry requests (/api-auth, /auth, /oauth/connect, /oauth2/auth) per connect session (or public key) per minute.</summary>
    public int EntryPerMinute { get; set; } = 60;

    /// <summary><c>LATCHKEY_RATE_LIMIT_LOGIN_IP</c>: dashboard login attempts per client IP per minute.</summary>
    public int LoginPerIpPerMinute { get; set; } = 30;

    /// <summary><c>LATCHKEY_RATE_LIMIT_LOGIN_FAILURES</c>: failed logins per account before it is locked.</summary>
    public int LoginFailuresPerAccount { get; set; } = 10;

    /// <summary><c>LATCHKEY_RATE_LIMIT_LOGIN_LOCKOUT_MINUTES</c>: the window the failures are counted in, and so the longest lockout.</summary>
    public int LoginLockoutMinutes { get; set; } = 15;

    /// <summary><c>LATCHKEY_RATE_LIMIT_WEBSOCKETS</c>: open SDK WebSockets in total.</summary>
    public int WebSockets { get; set; } = 2_000;

    /// <summary><c>LATCHKEY_RATE_LIMIT_WEBSOCKETS_PER_IP</c>: open SDK WebSockets per client IP.</summary>
    public int WebSocketsPerIp { get; set; } = 100;

    /// <summary><c>LATCHKEY_RATE_LIMIT_WEBSOCKET_IDLE_SECONDS</c>: how long a WebSocket waits for its OAuth outcome.</summary>
    public int WebSocketIdleSeconds { get; set; } = 300;

    internal static void Bind(RateLimitOptions options, IConfiguration configuration)
    {
        options.ApiPerMinute = Read(configuration, "LATCHKEY_RATE_LIMIT_API", options.ApiPerMinute);
        options.EntryPerMinute = Read(configuration, "LATCHKEY_RATE_LIMIT_ENTRY", options.EntryPerMinute);
        options.LoginPerIpPerMinute = Read(configuration, "LATCHKEY_RATE_LIMIT_LOGIN_IP", options.LoginPerIpPerMinute);
        options.LoginFailuresPerAccount = Read(configuration, "LATCHKEY_RATE_LIMIT_LOGIN_FAILURES", options.LoginFailuresPerAccount);
        options.LoginLockoutMinutes = Read(configuration, "LATCHKEY_RATE_LIMIT_LOGIN_LOCKOUT_MINUTES", options.LoginLockoutMinutes);
        options.WebSockets = Read(configuration, "LATCHKEY_RATE_LIMIT_WEBSOCKETS", options.WebSockets);
        options.WebSocketsPerIp = Read(configuration, "LATCHKEY_RATE_LIMIT_WEBSOCKETS_PER_IP", options.WebSocketsPerIp);
        options.WebSocketIdleSeconds = Read(configuration, "LATCHKEY_RATE_LIMIT_WEBSOCKET_IDLE_SECONDS", options.WebSocketIdleSeconds);
    }

    // An unreadable number is kept as text so validation can name the variable instead of silently using a default.
    private static int Read(IConfiguration configuration, string name, int fallback)
    {
        var text = configuration[name];
        return string.IsNullOrWhiteSpace(text) ? fallback : int.TryParse(text, out var value) ? value : -1;
    }

    internal bool IsValid() =>
        ApiPerMinute >= 0 && EntryPerMinute >= 0 && LoginPerIpPerMinute >= 0 && LoginFailuresPerAccount >= 0 && WebSockets >= 0 &&
        WebSocketsPerIp >= 0 && LoginLockoutMinutes is > 0 and <= 24 * 60 && WebSocketIdleSeconds is >= 10 and <= 600;
}
