using System.Data.Common;

namespace Latchkey.Server.Storage;

/// <summary>
/// On PostgreSQL, start-up (migrations, the key check, first-start bootstrap: every hosted service's start) runs under
/// one advisory lock, so instances starting together on an empty database take turns: the first migrates and creates
/// the account, the environments and the admin; the next finds them. SQLite has one server and needs no lock.
/// </summary>
public sealed class StartupLock(Database database, ILogger<StartupLock> logger) : IHostedLifecycleService, IAsyncDisposable
{
    // The two-key form of pg_advisory_lock: its key space does not overlap the single-key one (PostgreSQL docs,
    // "Advisory Locks"), so no lock keyed by a row id can ever collide with this one. 0x4c6b = "Lk".
    private const int LockClass = 0x4c6b;
    private const int StartupKey = 1;

    private DbConnection? _held;

    public async Task StartingAsync(CancellationToken cancellationToken)
    {
        if (database.Dialect != SqlDialect.Postgres)
        {
            return;
        }

        var connection = await database.OpenAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        command.CommandText = $"SELECT pg_advisory_lock({LockClass}, {StartupKey})";
        await command.ExecuteNonQueryAsync(cancellationToken);
        _held = connection;
        logger.LogDebug("Holding the start-up lock");
    }

    public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    /// <summary>Every hosted service has started: the next instance may go.</summary>
    public async Task StartedAsync(CancellationToken cancellationToken) => await DisposeAsync();

    public Task StoppingAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StoppedAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    /// <summary>Also when start-up failed, so a failed start blocks nobody.</summary>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _held, null) is not { } connection)
        {
            return;
        }

        // Unlocked explicitly: a pooled connection outlives its Dispose, and with it a session-level lock.
        try
        {
            await using var command = connection.CreateCommand();
            command.CommandText = $"SELECT pg_advisory_unlock({LockClass}, {StartupKey})";
            await command.ExecuteNonQueryAsync();
        }
        catch (DbException exception)
        {
            // The connection broke, which ended its session and the lock with it.
            logger.LogDebug(exception, "Could not release the start-up lock explicitly");
        }
        finally
        {
            await connection.DisposeAsync();
        }
    }
}
