namespace Latchkey.Server.ConnectSessions;

public sealed class ConnectSessionsOptions
{
    public static readonly TimeSpan DefaultLifetime = TimeSpan.FromMinutes(30);

    /// <summary>The longest lifetime a session may ask for with <c>expires_in</c> (a shared connect link may need days).</summary>
    public static readonly TimeSpan MaxLifetime = TimeSpan.FromDays(7);

    public static readonly TimeSpan MinLifetime = TimeSpan.FromMinutes(1);
}
