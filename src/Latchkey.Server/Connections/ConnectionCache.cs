using System.Collections.Concurrent;
using Latchkey.Server.Storage;
using Microsoft.Extensions.Options;

namespace Latchkey.Server.Connections;

/// <summary>
/// Connection rows read by <c>GET /connections/:id</c>, kept in memory as read (credentials still sealed) so a read
/// skips the database. On SQLite this process makes every write and <see cref="RowChanges"/> reports each row it
/// changes. On PostgreSQL this process reports its own writes after they commit and hears the other instances' writes
/// through a trigger's NOTIFY (<see cref="RowChangeNotifications"/>); copies are trusted only while that listener is
/// connected, and all are dropped when it comes back from a gap. No lock: each copy remembers the change counter from before its read, and a copy is used only while no
/// write to its row, its end user or any integration is in flight or has settled since then. Bounded by
/// <c>LATCHKEY_CONNECTION_CACHE_SIZE</c> rows (0 turns it off); when full, a sixteenth of the rows are dropped.
/// </summary>
public sealed class ConnectionCache : IRowChangeObserver
{
    private readonly int _capacity;
    private readonly Func<bool> _hearsEveryWrite;
    private readonly ConcurrentDictionary<(long EnvironmentId, string IntegrationKey, string ConnectionId), Copy> _copies = new();
    private readonly ChangeLog _connections = new();
    private readonly ChangeLog _endUsers = new();
    private readonly Lock _resetLock = new();
    private long _counter;
    private long _floor;
    private int _changesSinceReset;
    private long _sharedChangedAt;
    private int _sharedInFlight;
    private int _count;
    private int _evicting;

    public ConnectionCache(IOptions<StorageOptions> options, ListenerStatus? listener = null)
    {
        _capacity = options.Value.ConnectionCacheSize;
        _hearsEveryWrite = options.Value.UsesPostgres ? () => listener?.Listening == true : () => true;
    }

    /// <summary>
    /// Row changes remembered before the logs start over (each change log entry is a row id and a counter, so this
    /// bounds their memory); starting over drops every copy.
    /// </summary>
    internal int ChangesBeforeReset { get; init; } = 1_000_000;

    public bool Enabled => _capacity > 0;

    /// <summary>Rows held now.</summary>
    public int Count => Volatile.Read(ref _count);

    /// <summary>The change counter to pass to <see cref="Keep"/> for a row read after this call.</summary>
    public long Before() => Volatile.Read(ref _counter);

    public StoredConnection? Find(long environmentId, string integrationKey, string connectionId)
    {
        if (!Enabled || !_copies.TryGetValue((environmentId, integrationKey, connectionId), out var copy) || !_hearsEveryWrite())
        {
            return null;
        }

        var row = copy.Row;
        var stale = copy.ReadAfter < Volatile.Read(ref _floor) ||
            Volatile.Read(ref _sharedInFlight) > 0 || Volatile.Read(ref _sharedChangedAt) > copy.ReadAfter ||
            _connections.ChangedSince(row.Id, copy.ReadAfter) ||
            (row.EndUserRef is { } endUser && _endUsers.ChangedSince(endUser, copy.ReadAfter));
        return stale ? null : row.ToStoredConnection();
    }

    /// <param name="row">The row as read.</param>
    /// <param name="readAfter">What <see cref="Before"/> returned before the read began.</param>
    public void Keep(StoredConnection row, long readAfter)
    {
        if (!Enabled)
        {
            return;
        }

        var key = (row.EnvironmentId, row.IntegrationKey, row.ConnectionId);
        var copy = new Copy(CompactRow.From(row), readAfter);
        if (!_copies.TryAdd(key, copy))
        {
            _copies[key] = copy;
        }
        else if (Interlocked.Increment(ref _count) > _capacity)
        {
            Evict();
        }
    }

    public void Changing(string table, long rowId) => Record(table, rowId, starting: true);

    public void Settled(string table, long rowId) => Record(table, rowId, starting: false);

    /// <summary>Drops every copy: changes were made that this process did not hear of.</summary>
    public void ForgetAll() => StartOver(force: true);

    private void Record(string table, long rowId, bool starting)
    {
        // Other tables (fetch stamps, logs, sessions…) say nothing about a copy: they neither advance the counter
        // nor count towards starting over.
        if (table is not ("connections" or "end_users" or "integrations" or "environments"))
        {
            return;
        }

        var at = Interlocked.Increment(ref _counter);
        switch (table)
        {
            case "connections":
                _connections.Record(rowId, at, starting);
                break;
            case "end_users":
                _endUsers.Record(rowId, at, starting);
                break;
            default:
                // Integrations and environments change rarely (settings pages): a change there touches every connection.
                Interlocked.Add(ref _sharedInFlight, starting ? 1 : -1);
                InterlockedMax(ref _sharedChangedAt, at);
                break;
        }

        if (Interlocked.Increment(ref _changesSinceReset) >= ChangesBeforeReset)
        {
            StartOver(force: false);
        }
    }

    // Every copy read before now becomes unusable (the floor), so the logs of when rows changed can be forgotten.
    // Writes in flight stay known: their rows remain refused until they settle.
    private void StartOver(bool force)
    {
        lock (_resetLock)
        {
            if (!force && Volatile.Read(ref _changesSinceReset) < ChangesBeforeReset)
            {
                return;
            }

            Volatile.Write(ref _floor, Interlocked.Increment(ref _counter));
            _connections.ForgetSettled();
            _endUsers.ForgetSettled();
            _copies.Clear();
            Interlocked.Exchange(ref _count, 0);
            Volatile.Write(ref _changesSinceReset, 0);
        }
    }

    private void Evict()
    {
        if (Interlocked.Exchange(ref _evicting, 1) == 1)
        {
            return;
        }

        try
        {
            var toDrop = Math.Max(1, _capacity / 16);
            foreach (var (key, _) in _copies)
            {
                if (toDrop-- == 0)
                {
                    break;
                }

                if (_copies.TryRemove(key, out _))
                {
                    Interlocked.Decrement(ref _count);
                }
            }
        }
        finally
        {
            Volatile.Write(ref _evicting, 0);
        }
    }

    private static void InterlockedMax(ref long target, long value)
    {
        var current = Volatile.Read(ref target);
        while (value > current && Interlocked.CompareExchange(ref target, value, current) is var seen && seen != current)
        {
            current = seen;
        }
    }

    private sealed record Copy(CompactRow Row, long ReadAfter);

    /// <summary>When each row last changed, and which rows have a write in flight.</summary>
    private sealed class ChangeLog
    {
        private readonly ConcurrentDictionary<long, long> _changedAt = new();
        private readonly ConcurrentDictionary<long, int> _inFlight = new();

        public void Record(long rowId, long at, bool starting)
        {
            _changedAt.AddOrUpdate(rowId, at, (_, previous) => Math.Max(previous, at));
            if (starting)
            {
                _inFlight.AddOrUpdate(rowId, 1, (_, writers) => writers + 1);
            }
            else if (_inFlight.AddOrUpdate(rowId, 0, (_, writers) => writers - 1) <= 0)
            {
                _inFlight.TryRemove(KeyValuePair.Create(rowId, 0));
            }
        }

        public void ForgetSettled() => _changedAt.Clear();

        public bool ChangedSince(long rowId, long readAfter) =>
            _inFlight.ContainsKey(rowId) || (_changedAt.TryGetValue(rowId, out var at) && at > readAfter);
    }
}
