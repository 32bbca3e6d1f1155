using System.Text;
using Dapper;

namespace Latchkey.Server.Storage;

/// <summary>
/// A feature's interest in one notification channel. Registered as a singleton, it is called for every message on its
/// channel from any instance, this one included (PostgreSQL echoes a NOTIFY to its own listener), so handling must
/// be harmless when the work was already done here.
/// </summary>
public interface INotificationHandler
{
    /// <summary>A fixed PostgreSQL channel name: lower-case letters and underscores.</summary>
    string Channel { get; }

    Task HandleAsync(string payload, CancellationToken cancellationToken);

    /// <summary>
    /// Called after the listener came back from a lost connection: NOTIFY does not queue for absent listeners, so
    /// whatever the gap's messages would have invalidated must be dropped now.
    /// </summary>
    void MissedMessages();
}

/// <summary>
/// Tells the other server instances on this database that something changed (DESIGN "Scale-out"): a PostgreSQL
/// NOTIFY, heard by each instance's <see cref="NotificationListener"/>. On SQLite there is only one instance, so
/// there is no one to tell. Payloads are public: never a secret, since any role on the database may LISTEN.
/// </summary>
public sealed class InstanceNotifications(Database database)
{
    /// <summary>PostgreSQL refuses a NOTIFY payload of 8000 bytes or more.</summary>
    public const int MaxPayloadBytes = 7999;

    public bool CrossesInstances => database.Dialect == SqlDialect.Postgres;

    public static bool Fits(string payload) => Encoding.UTF8.GetByteCount(payload) <= MaxPayloadBytes;

    public async Task PublishAsync(string channel, string payload, CancellationToken cancellationToken)
    {
        if (!CrossesInstances)
        {
            return;
        }

        if (!Fits(payload))
        {
            throw new ArgumentException($"A notification on {channel} is over PostgreSQL's {MaxPayloadBytes}-byte limit.", nameof(payload));
        }

        await using var connection = await database.OpenAsync(cancellationToken);
        await connection.ExecuteAsync(new CommandDefinition("SELECT pg_notify(@channel, @payload)", new { channel, payload }, cancellationToken: cancellationToken));
    }
}
