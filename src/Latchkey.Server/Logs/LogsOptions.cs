namespace Latchkey.Server.Logs;

public sealed class LogsOptions
{
    /// <summary><c>LATCHKEY_LOG_RETENTION_DAYS</c>: auth logs older than this are deleted (default 30).</summary>
    public int RetentionDays { get; set; } = 30;

    /// <summary>Entries waiting to be written; beyond it the oldest waiting entry is dropped rather than slowing an auth.</summary>
    public int QueueCapacity { get; set; } = 10_000;
}
