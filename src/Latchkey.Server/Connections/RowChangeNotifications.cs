using System.Globalization;
using Latchkey.Server.Storage;

namespace Latchkey.Server.Connections;

/// <summary>
/// Hears, on PostgreSQL, every committed change to the rows a cached connection is made of (connections, end users,
/// integrations), whichever instance made it: a trigger of migration 40 sends <c>table:id</c> on
/// <see cref="ChannelName"/> at commit. Each one makes <see cref="ConnectionCache"/> read those rows again; a gap in
/// listening drops every copy.
/// </summary>
public sealed class RowChangeNotifications(ConnectionCache cache, ILogger<RowChangeNotifications> logger) : INotificationHandler
{
    public const string ChannelName = "latchkey_rows";

    public string Channel => ChannelName;

    public Task HandleAsync(string payload, CancellationToken cancellationToken)
    {
        var separator = payload.IndexOf(':', StringComparison.Ordinal);
        if (separator <= 0 || !long.TryParse(payload.AsSpan(separator + 1), NumberStyles.None, CultureInfo.InvariantCulture, out var rowId))
        {
            // Not ours (anyone on the database may NOTIFY): the safe answer is to trust no copy.
            logger.LogWarning("Unexpected payload on {Channel}; dropping every cached connection", ChannelName);
            cache.ForgetAll();
            return Task.CompletedTask;
        }

        var table = payload[..separator];
        cache.Changing(table, rowId);
        cache.Settled(table, rowId);
        return Task.CompletedTask;
    }

    public void MissedMessages() => cache.ForgetAll();
}
