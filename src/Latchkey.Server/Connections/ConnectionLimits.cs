using Latchkey.Server.ConnectSessions;
using Latchkey.Server.Environments;
using Microsoft.Extensions.Options;

namespace Latchkey.Server.Connections;

/// <summary>
/// The caps a new connection must fit under, enforced by <see cref="ConnectionWriter"/> inside the transaction that
/// inserts it: the environment's live connections, and the connections created with one connect session.
/// </summary>
public sealed record CreationLimits(int? EnvironmentLimit, long? SessionId, int SessionLimit);

/// <summary>
/// The connection limit of an environment (its own, else <c>LATCHKEY_CONNECTION_LIMIT</c>) and the per-session cap
/// (<c>LATCHKEY_SESSION_MAX_CONNECTIONS</c>): creating a session or a new connection past them answers
/// <c>resource_capped</c> (DESIGN decision 12). The checks here answer early; the writer's are the ones that hold under
/// concurrency.
/// </summary>
public sealed class ConnectionLimits(ConnectionStore connections, IOptions<EnvironmentsOptions> options)
{
    public const string EnvironmentCappedMessage = "This environment has reached its connection limit.";

    public static string SessionCappedMessage(int max) =>
        $"This connect session has already created {max} connections, the most one session may create. Ask the application for a new session.";

    public async Task<bool> IsReachedAsync(EnvironmentRecord environment, CancellationToken cancellationToken)
    {
        var limit = environment.ConnectionLimit ?? options.Value.ConnectionLimit;
        return limit is { } max && await connections.CountLiveAsync(environment.Id, cancellationToken) >= max;
    }

    /// <summary>The session has created as many connections as one may (as of when it was read).</summary>
    public bool IsSpent(ConnectSession session) => session.ConnectionsCreated >= options.Value.SessionConnectionLimit;

    public int SessionLimit => options.Value.SessionConnectionLimit;

    public CreationLimits For(EnvironmentRecord environment, long? sessionId) =>
        new(environment.ConnectionLimit ?? options.Value.ConnectionLimit, sessionId, options.Value.SessionConnectionLimit);
}
