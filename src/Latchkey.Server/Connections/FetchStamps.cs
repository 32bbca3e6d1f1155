using System.Collections.Concurrent;
using Dapper;
using Latchkey.Server.Storage;

namespace Latchkey.Server.Connections;

/// <summary>
/// Records <c>last_fetched_at</c> off the request path: reads note the connection here and a background loop writes
/// the stamps to the narrow connection_fetches table every few seconds; a connection read over and over is written
/// at most once a minute (the read itself always reports the time of its own fetch). A read therefore never waits for a write,
/// which on SQLite's single writer would cap credential reads at the disk's commit rate. A crash loses at most one
/// interval of stamps. (Rows kept in memory by <see cref="ConnectionCache"/> are not invalidated by stamps: the read
/// that uses one reports its own fetch time.)
/// </summary>
public sealed class FetchStamps(Database database, TimeProvider clock, ILogger<FetchStamps> logger) : BackgroundService
{
    public static readonly TimeSpan Interval = TimeSpan.FromSeconds(5);

    /// <summary>A connection fetched again is written again at most this often (the first fetch within one interval).</summary>
    public static readonly TimeSpan Resolution = TimeSpan.FromMinutes(1);

    private static readonly TimeSpan ForgetAfter = TimeSpan.FromHours(1);
    private const int RowsPerStatement = 200;

    // Connection → its latest fetch, and → the fetch time last written for it. Entries outlive their write, so the
    // next fetch of a busy connection updates a value in place instead of allocating a node that lives until the next
    // flush (at 100,000 connections those short-lived nodes filled the old generation and made the collector mark
    // the whole heap every few seconds). Connections idle for an hour are dropped from both.
    private readonly ConcurrentDictionary<long, long> _fetched = new();
    private readonly ConcurrentDictionary<long, long> _written = new();

    /// <summary>Notes a fetch and returns its time, which the response reports.</summary>
    public long Note(long connectionRef)
    {
        var now = clock.GetUtcNow().ToUnixTimeMilliseconds();
        _fetched[connectionRef] = now;
        return now;
    }

    /// <summary>Writes the noted fetches: all of them, or (<paramref name="all"/> false) those due by <see cref="Resolution"/>.</summary>
    public async Task FlushAsync(CancellationToken cancellationToken, bool all = true)
    {
        // Chunks, not one array of every due stamp: at 100,000 connections that array landed on the large-object heap.
        var written = new List<KeyValuePair<long, long>[]>();
        // Due: never written by this process, or newer than what was written and (unless all) that is a minute old.
        var staleBefore = (clock.GetUtcNow() - Resolution).ToUnixTimeMilliseconds();
        var due = _fetched.Where(stamp => !_written.TryGetValue(stamp.Key, out var last) || (stamp.Value > last && (all || last <= staleBefore)));
        if (due.Any())
        {
            await using (var connection = await database.OpenAsync(cancellationToken))
            await using (var transaction = await Database.BeginWriteAsync(connection, cancellationToken))
            {
                foreach (var chunk in due.Chunk(RowsPerStatement))
                {
                    await connection.ExecuteAsync(Upsert(chunk, out var parameters), parameters, transaction);
                    written.Add(chunk);
                }

                await transaction.CommitAsync(cancellationToken);
            }
        }

        foreach (var (connectionRef, at) in written.SelectMany(chunk => chunk))
        {
            _written[connectionRef] = at;
        }

        var forgetBefore = (clock.GetUtcNow() - ForgetAfter).ToUnixTimeMilliseconds();
        foreach (var stamp in _fetched)
        {
            if (stamp.Value < forgetBefore && _written.TryGetValue(stamp.Key, out var last) && last == stamp.Value && _fetched.TryRemove(stamp))
            {
                _written.TryRemove(stamp.Key, out _);
            }
        }
    }

    // One multi-row upsert per chunk (the same SQL on SQLite and PostgreSQL). A stamp only moves forward: another
    // instance, or this one's later flush, may have written a newer fetch than the one this flush carries.
    private static string Upsert(KeyValuePair<long, long>[] stamps, out DynamicParameters parameters)
    {
        parameters = new DynamicParameters();
        var rows = new string[stamps.Length];
        for (var i = 0; i < stamps.Length; i++)
        {
            parameters.Add($"r{i}", stamps[i].Key);
            parameters.Add($"t{i}", stamps[i].Value);
            rows[i] = $"(@r{i}, @t{i})";
        }

        return $"INSERT INTO connection_fetches (connection_ref, fetched_at) VALUES {string.Join(", ", rows)} " +
            "ON CONFLICT (connection_ref) DO UPDATE SET fetched_at = excluded.fetched_at WHERE excluded.fetched_at > connection_fetches.fetched_at";
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(Interval, clock);
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken))
            {
                // On its own thread: SQLite's calls block, and a flush of tens of thousands of stamps held a
                // thread-pool thread long enough for requests to queue behind it (p99 of reads in the load benchmark).
                await Task.Factory.StartNew(() => FlushQuietlyAsync(all: false, stoppingToken), stoppingToken, TaskCreationOptions.LongRunning, TaskScheduler.Default).Unwrap();
            }
        }
        catch (OperationCanceledException)
        {
        }

        await FlushQuietlyAsync(all: true, CancellationToken.None);
    }

    private async Task FlushQuietlyAsync(bool all, CancellationToken cancellationToken)
    {
        try
        {
            await FlushAsync(cancellationToken, all);
        }
        catch (Exception exception) when (exception is not OperationCanceledException)
        {
            logger.LogWarning(exception, "Could not record connection fetch times; they will be retried with the next batch");
        }
    }
}
