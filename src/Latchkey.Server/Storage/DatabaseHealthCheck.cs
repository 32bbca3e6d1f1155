using System.Data.Common;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Latchkey.Server.Storage;

/// <summary>
/// Readiness: the database answers a query. Load balancers may ask many times a second, so a success is trusted for
/// one second (a failure is checked again at every ask). A singleton: the health check service would otherwise make a
/// new one per ask, and the second of trust would never outlive it.
/// </summary>
internal sealed class DatabaseHealthCheck(Database database) : IHealthCheck
{
    private const long TrustedMilliseconds = 1000;
    private long _healthyUntil;
    private long _pings;

    /// <summary>How many times the database was asked; tests read it.</summary>
    internal long Pings => Interlocked.Read(ref _pings);

    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        // Real elapsed time, not the injected clock: this is a cache of the machine's state, not a business rule.
        if (Environment.TickCount64 < Interlocked.Read(ref _healthyUntil))
        {
            return HealthCheckResult.Healthy();
        }

        Interlocked.Increment(ref _pings);
        try
        {
            await database.PingAsync(cancellationToken);
        }
        catch (Exception exception) when (exception is DbException or InvalidOperationException or IOException or TimeoutException)
        {
            return HealthCheckResult.Unhealthy($"The {database.Dialect} database does not answer.", exception);
        }

        Interlocked.Exchange(ref _healthyUntil, Environment.TickCount64 + TrustedMilliseconds);
        return HealthCheckResult.Healthy();
    }
}
