using Latchkey.Server.ConnectSessions;
using Latchkey.Server.Environments;

namespace Latchkey.Server.Callers;

public enum CallerKind
{
    SecretKey,
    SessionToken,
    PublicKey,
}

/// <summary>
/// Who made the request: always exactly one environment, plus the connect session when a session token was used.
/// Set by <see cref="CallerAuthentication"/> before the endpoint runs; handlers take it as a parameter.
/// </summary>
public sealed class Caller(EnvironmentRecord environment, CallerKind kind, ConnectSession? session = null)
{
    private const string ItemKey = "latchkey.caller";

    public EnvironmentRecord Environment { get; } = environment;

    public CallerKind Kind { get; } = kind;

    public ConnectSession? Session { get; } = session;

    public long EnvironmentId => Environment.Id;

    public static ValueTask<Caller?> BindAsync(HttpContext context) => ValueTask.FromResult(Get(context));

    internal static Caller? Get(HttpContext context) => context.Items[ItemKey] as Caller;

    internal void Attach(HttpContext context) => context.Items[ItemKey] = this;
}
