namespace Latchkey.Server.Storage;

/// <summary>
/// Whether this instance hears the other instances' notifications right now (<see cref="NotificationListener"/> sets
/// it). Its own type, so that what a handler feeds (a cache) can ask without depending on the listener itself.
/// </summary>
public sealed class ListenerStatus
{
    private bool _listening;

    /// <summary>
    /// True while a LISTEN connection is up and anything missed before it was handed to the handlers
    /// (<see cref="INotificationHandler.MissedMessages"/>): what other instances change now reaches this one.
    /// </summary>
    public bool Listening
    {
        get => Volatile.Read(ref _listening);
        internal set => Volatile.Write(ref _listening, value);
    }
}
