using Latchkey.Server.Storage;
using Microsoft.Extensions.Options;

namespace Latchkey.Server.Audit;

/// <summary>Deletes audit entries older than <c>LATCHKEY_AUDIT_RETENTION_DAYS</c>, once an hour.</summary>
public sealed class AuditPurge(AuditStore store, TimeProvider clock, IOptions<AuditOptions> options, ILogger<AuditPurge> logger)
    : RetentionPurge(clock, logger)
{
    protected override int RetentionDays => options.Value.RetentionDays;

    protected override string Rows => "audit entries";

    protected override Task<int> PurgeAsync(DateTimeOffset cutoff, CancellationToken cancellationToken) => store.PurgeAsync(cutoff, cancellationToken);
}
