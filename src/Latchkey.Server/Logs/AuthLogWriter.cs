using System.Threading.Channels;
using Microsoft.Extensions.Options;

namespace Latchkey.Server.Logs;

/// <summary>
/// Takes auth log entries off the request path: <see cref="Record"/> only puts the entry into a bounded channel;
/// <see cref="AuthLogBackgroundWriter"/> writes batches to the database.
/// </summary>
public sealed class AuthLogWriter(IOptions<LogsOptions> options)
{
    private readonly Channel<AuthLogEntry> _channel = Channel.CreateBounded<AuthLogEntry>(new BoundedChannelOptions(options.Value.QueueCapacity)
    {
        FullMode = BoundedChannelFullMode.DropOldest,
        SingleReader = true,
    });

    /// <summary>Queues an entry; never blocks and never throws.</summary>
    public void Record(AuthLogEntry entry) => _channel.Writer.TryWrite(entry);

    internal ChannelReader<AuthLogEntry> Reader => _channel.Reader;
}
