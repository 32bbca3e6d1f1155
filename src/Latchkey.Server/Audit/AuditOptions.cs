namespace Latchkey.Server.Audit;

public sealed class AuditOptions
{
    /// <summary><c>LATCHKEY_AUDIT_RETENTION_DAYS</c>: audit entries older than this are deleted (default 365).</summary>
    public int RetentionDays { get; set; } = 365;
}
