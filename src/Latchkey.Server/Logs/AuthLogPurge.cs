using Latchkey.Server.Storage;
using Microsoft.Extensions.Options;

namespace Latchkey.Server.Logs;

/// <summary>Deletes auth log entries older than <c>LATCHKEY_LOG_RETENTION_DAYS</c>, once an hour.</summary>
public sealed class AuthLogPurge(AuthLogStore store, TimeProvider clock, IOptions<LogsOptions> options, ILogger<AuthLogPurge> logger)
    : RetentionPurge(clock, logger)
{
    protected override int RetentionDays => options.Value.RetentionDays;

    protected override string Rows => "auth log entries";

    protected override Task<int> PurgeAsync(DateTimeOffset cutoff, CancellationToken cancellationToken) => store.PurgeAsync(cutoff, cancellationToken);
}
