using Latchkey.Server.Environments;
using Microsoft.Extensions.Options;

namespace Latchkey.Server.Connections;

/// <summary>
/// The connection limit of an environment (its own, else <c>LATCHKEY_CONNECTION_LIMIT</c>): creating a session or a
/// new connection past it answers <c>resource_capped</c> (DESIGN decision 12).
/// </summary>
public sealed class ConnectionLimits(ConnectionStore connections, IOptions<EnvironmentsOptions> options)
{
    public async Task<bool> IsReachedAsync(EnvironmentRecord environment, CancellationToken cancellationToken)
    {
        var limit = environment.ConnectionLimit ?? options.Value.ConnectionLimit;
        return limit is { } max && await connections.CountLiveAsync(environment.Id, cancellationToken) >= max;
    }
}
