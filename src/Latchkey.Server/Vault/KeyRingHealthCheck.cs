using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Latchkey.Server.Vault;

/// <summary>Readiness: the key ring is loaded with a key to seal with (start-up already checked it opens the database's values).</summary>
internal sealed class KeyRingHealthCheck(KeyRing ring) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default) =>
        Task.FromResult(ring.Keys.Count > 0 ? HealthCheckResult.Healthy() : HealthCheckResult.Unhealthy("The key ring holds no key."));
}
