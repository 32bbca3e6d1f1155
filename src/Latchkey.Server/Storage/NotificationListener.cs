using System.Threading.Channels;
using Npgsql;

namespace Latchkey.Server.Storage;

/// <summary>
/// Each instance's one listening connection to PostgreSQL: it LISTENs on every registered handler's channel and hands
/// each NOTIFY to its handlers, in order, off the connection's read loop. When the connection drops it reconnects
/// with growing pauses and tells the handlers what they may have missed. Nothing to do on SQLite.
/// </summary>
public sealed class NotificationListener : BackgroundService
{
    /// <summary>Names the listening session in <c>pg_stat_activity</c>, for operators (and the reconnect test).</summary>
    public const string ApplicationName = "latchkey-listener";

    public static readonly TimeSpan FirstRetry = TimeSpan.FromMilliseconds(200);
    public static readonly TimeSpan LongestRetry = TimeSpan.FromSeconds(15);

    private readonly Database _database;
    private readonly ILogger<NotificationListener> _logger;
    private readonly ILookup<string, INotificationHandler> _handlers;
    private readonly Channel<NpgsqlNotificationEventArgs> _received = Channel.CreateUnbounded<NpgsqlNotificationEventArgs>(new() { SingleReader = true });
    private readonly ListenerStatus _status;
    private NpgsqlConnection? _firstConnection;
    private int _connections;

    public NotificationListener(Database database, IEnumerable<INotificationHandler> handlers, ListenerStatus status, ILogger<NotificationListener> logger)
    {
        _database = database;
        _status = status;
        _logger = logger;
        _handlers = handlers.ToLookup(handler => handler.Channel, StringComparer.Ordinal);
        // Channel names go into LISTEN as identifiers; only fixed, plain names are allowed.
        if (_handlers.Select(group => group.Key).FirstOrDefault(name => name.Length == 0 || !name.All(c => c is (>= 'a' and <= 'z') or '_')) is { } bad)
        {
            throw new InvalidOperationException($"Notification channel '{bad}' must be lower-case letters and underscores.");
        }
    }

    /// <summary>How many times the listener has connected and LISTENed; a reconnect adds one.</summary>
    public int Connections => Volatile.Read(ref _connections);

    private bool Listens => _database.Dialect == SqlDialect.Postgres && _handlers.Count > 0;

    // The first connection is made before start-up completes, so an instance serving requests already hears the others.
    public override async Task StartAsync(CancellationToken cancellationToken)
    {
        if (Listens)
        {
            try
            {
                _firstConnection = await ConnectAsync(cancellationToken);
            }
            catch (NpgsqlException exception)
            {
                _logger.LogWarning(exception, "Could not listen for other instances' notifications yet; retrying in the background");
            }
        }

        await base.StartAsync(cancellationToken);
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!Listens)
        {
            return;
        }

        var dispatching = DispatchAsync(stoppingToken);
        var pause = FirstRetry;
        var missed = _firstConnection is null;
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await using var connection = Interlocked.Exchange(ref _firstConnection, null) ?? await ConnectAsync(stoppingToken);
                if (missed)
                {
                    MissedMessages();
                }

                _status.Listening = true;
                pause = FirstRetry;
                while (true)
                {
                    await connection.WaitAsync(stoppingToken);
                }
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                break;
            }
            catch (Exception exception) when (exception is NpgsqlException or IOException or TimeoutException or InvalidOperationException)
            {
                _status.Listening = false;
                missed = true;
                _logger.LogWarning(exception, "Lost the notification connection to PostgreSQL; reconnecting in {Pause}", pause);
            }

            // Real time, not the injected clock: a test's frozen clock must not stop the reconnect.
            try
            {
                await Task.Delay(pause + TimeSpan.FromMilliseconds(Random.Shared.Next(0, 100)), stoppingToken);
            }
            catch (OperationCanceledException)
            {
                break;
            }

            pause = TimeSpan.FromTicks(Math.Min(pause.Ticks * 2, LongestRetry.Ticks));
        }

        _status.Listening = false;
        _received.Writer.TryComplete();
        await dispatching;
    }

    private async Task<NpgsqlConnection> ConnectAsync(CancellationToken cancellationToken)
    {
        // Its own unpooled session: a broken one is never handed to a request, and it takes no slot from the pool.
        // Keepalives notice a peer that vanished without closing the socket.
        var settings = new NpgsqlConnectionStringBuilder(_database.ConnectionString)
        {
            Pooling = false,
            KeepAlive = 15,
            ApplicationName = ApplicationName,
            MaxAutoPrepare = 0,
        };
        var connection = new NpgsqlConnection(settings.ToString());
        connection.Notification += (_, notification) => _received.Writer.TryWrite(notification);
        try
        {
            await connection.OpenAsync(cancellationToken);
            foreach (var channel in _handlers.Select(group => group.Key))
            {
                await using var listen = new NpgsqlCommand($"LISTEN {channel}", connection);
                await listen.ExecuteNonQueryAsync(cancellationToken);
            }
        }
        catch
        {
            await connection.DisposeAsync();
            throw;
        }

        Interlocked.Increment(ref _connections);
        _logger.LogInformation("Listening for other instances' notifications on {Channels}", string.Join(", ", _handlers.Select(group => group.Key)));
        return connection;
    }

    private void MissedMessages()
    {
        foreach (var handler in _handlers.SelectMany(group => group))
        {
            handler.MissedMessages();
        }
    }

    // One message at a time: handlers may do I/O (a WebSocket send), and the connection's read loop must not wait on it.
    private async Task DispatchAsync(CancellationToken stoppingToken)
    {
        await foreach (var notification in _received.Reader.ReadAllAsync(CancellationToken.None))
        {
            foreach (var handler in _handlers[notification.Channel])
            {
                try
                {
                    await handler.HandleAsync(notification.Payload, stoppingToken);
                }
                catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
                {
                    return;
                }
                catch (Exception exception)
                {
                    // One bad message or handler must not deafen the instance to the rest.
                    _logger.LogError(exception, "A handler of notification channel {Channel} failed", notification.Channel);
                }
            }
        }
    }

    public override void Dispose()
    {
        _firstConnection?.Dispose();
        base.Dispose();
    }
}
