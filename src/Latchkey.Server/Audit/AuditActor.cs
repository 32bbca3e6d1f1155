using Latchkey.Server.Callers;

namespace Latchkey.Server.Audit;

/// <summary>Who made a change, and from which address: a dashboard user (their e-mail) or an environment's secret key.</summary>
public sealed record AuditActor(string Name, string Type, string? Ip)
{
    public const string UserType = "user";
    public const string SecretKeyType = "secret_key";

    public static AuditActor User(string email, HttpContext http) => new(email, UserType, IpOf(http));

    public static AuditActor SecretKey(Caller caller, HttpContext http) => new($"secret key {caller.Environment.Name}", SecretKeyType, IpOf(http));

    // The client's address as the transport sees it: a trusted proxy's X-Forwarded-For is applied before (Hosting/Transport.cs).
    private static string? IpOf(HttpContext http) => http.Connection.RemoteIpAddress?.ToString();
}
