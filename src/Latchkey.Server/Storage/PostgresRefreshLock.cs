using System.Diagnostics;
using System.Globalization;
using Npgsql;

namespace Latchkey.Server.Storage;

/// <summary>
/// Single flight across every instance on one PostgreSQL database: a session-level advisory lock per connection row,
/// taken on a connection of its own and held for the whole refresh. The in-process lock stays in front of it, so an
/// instance sends one waiter per connection to the database however many readers queue here. A holder that dies
/// takes its lock with its session, so nothing needs a TTL.
/// </summary>
public sealed class PostgresRefreshLock(Database database, InProcessRefreshLock local) : IRefreshLock
{
    /// <summary>
    /// The first int of the two-int advisory key ('LKRF'). PostgreSQL keeps the one-bigint and the two-int key spaces
    /// apart, and this first int names the lock's purpose, so a refresh lock never meets another lock user's key.
    /// </summary>
    public const int KeySpace = 0x4C4B5246;

    // PostgreSQL's SQLSTATE for a lock wait cut short by lock_timeout.
    private const string LockNotAvailable = "55P03";

    public async Task<IAsyncDisposable?> AcquireAsync(long connectionRef, TimeSpan timeout, CancellationToken cancellationToken)
    {
        var started = Stopwatch.GetTimestamp();
        var here = await local.AcquireAsync(connectionRef, timeout, cancellationToken);
        if (here is null)
        {
            return null;
        }

        try
        {
            var remaining = timeout - Stopwatch.GetElapsedTime(started);
            var everywhere = remaining > TimeSpan.Zero ? await LockRowAsync(connectionRef, remaining, cancellationToken) : null;
            if (everywhere is null)
            {
                await here.DisposeAsync();
                return null;
            }

            return new Held(everywhere, here);
        }
        catch
        {
            await here.DisposeAsync();
            throw;
        }
    }

    /// <summary>
    /// Row ids past 2^31 fold into the second int; two connections that share a key only wait for each other's
    /// refresh, they never skip one.
    /// </summary>
    public static int KeyOf(long connectionRef) => unchecked((int)(connectionRef ^ (connectionRef >> 32)));

    private async Task<IAsyncDisposable?> LockRowAsync(long connectionRef, TimeSpan timeout, CancellationToken cancellationToken)
    {
        var connection = (NpgsqlConnection)await database.OpenAsync(cancellationToken);
        var key = KeyOf(connectionRef);
        try
        {
            // lock_timeout bounds the wait inside PostgreSQL, so a waiter wakes the moment the holder lets go. SET LOCAL
            // (set_config(..., true)) ends with the transaction; the session-level lock outlives it.
            await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
            await using (var limit = new NpgsqlCommand("SELECT set_config('lock_timeout', @timeout, true)", connection, transaction))
            {
                var milliseconds = Math.Max(1, (long)Math.Ceiling(timeout.TotalMilliseconds));
                limit.Parameters.AddWithValue("timeout", milliseconds.ToString(CultureInfo.InvariantCulture) + "ms");
                await limit.ExecuteNonQueryAsync(cancellationToken);
            }

            await using (var take = new NpgsqlCommand("SELECT pg_advisory_lock(@space, @key)", connection, transaction))
            {
                take.Parameters.AddWithValue("space", KeySpace);
                take.Parameters.AddWithValue("key", key);
                await take.ExecuteNonQueryAsync(cancellationToken);
            }

            await transaction.CommitAsync(cancellationToken);
            return new RowLock(connection, key);
        }
        catch (PostgresException exception) when (exception.SqlState == LockNotAvailable)
        {
            await connection.DisposeAsync();
            return null;
        }
        catch
        {
            // A cancelled wait can race with the grant: unlock to be sure before the connection goes back to the pool.
            await RowLock.ReleaseAsync(connection, key);
            throw;
        }
    }

    private sealed class RowLock(NpgsqlConnection connection, int key) : IAsyncDisposable
    {
        public ValueTask DisposeAsync() => new(ReleaseAsync(connection, key));

        // Never cancelled: a refresh that finished must not keep its lock because its caller went away.
        public static async Task ReleaseAsync(NpgsqlConnection connection, int key)
        {
            try
            {
                await using var release = new NpgsqlCommand("SELECT pg_advisory_unlock(@space, @key)", connection);
                release.Parameters.AddWithValue("space", KeySpace);
                release.Parameters.AddWithValue("key", key);
                await release.ExecuteNonQueryAsync(CancellationToken.None);
            }
            catch (Exception exception) when (exception is NpgsqlException or IOException or InvalidOperationException)
            {
                // The session is broken, and PostgreSQL drops a dead session's advisory locks with it.
            }
            finally
            {
                await connection.DisposeAsync();
            }
        }
    }

    // The database lock is let go before the in-process one, so a reader queued here never finds the row still locked.
    private sealed class Held(IAsyncDisposable everywhere, IAsyncDisposable here) : IAsyncDisposable
    {
        public async ValueTask DisposeAsync()
        {
            try
            {
                await everywhere.DisposeAsync();
            }
            finally
            {
                await here.DisposeAsync();
            }
        }
    }
}
