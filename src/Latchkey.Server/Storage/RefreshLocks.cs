using System.Collections.Concurrent;

namespace Latchkey.Server.Storage;

/// <summary>
/// Mutual exclusion for refreshing one connection's credentials. In-process on SQLite (one server); a PostgreSQL
/// advisory-lock implementation serialises refreshes across instances (DESIGN "Scale-out").
/// </summary>
public interface IRefreshLock
{
    /// <summary>Waits for the connection's lock; null when <paramref name="timeout"/> passed first.</summary>
    Task<IAsyncDisposable?> AcquireAsync(long connectionRef, TimeSpan timeout, CancellationToken cancellationToken);
}

/// <summary>One semaphore per connection being refreshed, removed when nobody holds or waits for it.</summary>
public sealed class InProcessRefreshLock : IRefreshLock
{
    private readonly ConcurrentDictionary<long, Entry> _entries = new();

    public async Task<IAsyncDisposable?> AcquireAsync(long connectionRef, TimeSpan timeout, CancellationToken cancellationToken)
    {
        Entry entry;
        lock (_entries)
        {
            entry = _entries.GetOrAdd(connectionRef, _ => new Entry());
            entry.Users++;
        }

        if (await entry.Semaphore.WaitAsync(timeout, cancellationToken))
        {
            return new Releaser(this, connectionRef, entry);
        }

        Leave(connectionRef, entry);
        return null;
    }

    private void Leave(long connectionRef, Entry entry)
    {
        lock (_entries)
        {
            if (--entry.Users == 0)
            {
                _entries.TryRemove(connectionRef, out _);
            }
        }
    }

    private sealed class Entry
    {
        public SemaphoreSlim Semaphore { get; } = new(1, 1);

        public int Users { get; set; }
    }

    private sealed class Releaser(InProcessRefreshLock owner, long connectionRef, Entry entry) : IAsyncDisposable
    {
        public ValueTask DisposeAsync()
        {
            entry.Semaphore.Release();
            owner.Leave(connectionRef, entry);
            return ValueTask.CompletedTask;
        }
    }
}
