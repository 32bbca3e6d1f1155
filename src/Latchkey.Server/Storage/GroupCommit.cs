using System.Data.Common;
using System.Threading.Channels;

namespace Latchkey.Server.Storage;

/// <summary>
/// The connection and transaction one write runs in. <see cref="Discard"/> undoes this write alone (a refused
/// creation, say) while the others of its batch are kept.
/// </summary>
public sealed class WriteScope(DbConnection connection, DbTransaction transaction, CancellationToken cancellationToken)
{
    public DbConnection Connection { get; } = connection;

    public DbTransaction Transaction { get; } = transaction;

    public CancellationToken CancellationToken { get; } = cancellationToken;

    internal bool Discarded { get; private set; }

    public void Discard() => Discarded = true;
}

/// <summary>
/// Group commit for SQLite's one writer: writes that arrive together run in one transaction, each in its own
/// savepoint, and share one commit (one fsync, <c>synchronous=FULL</c> unchanged); every caller is answered only after
/// the commit that holds its write, so an acknowledged write is durable. Without it each write waits for its own
/// fsync in turn and concurrent writers queue behind each other's commits (p99 of session creation near a second
/// at 32 clients). A write that fails or is discarded is rolled back to its savepoint and does not disturb the rest.
/// On PostgreSQL, which commits concurrently, each write simply runs in its own transaction.
/// Writes must be database work only (no network call inside): the whole batch waits for the slowest.
/// </summary>
public sealed partial class GroupCommit : IAsyncDisposable
{
    /// <summary>Writes taken into one transaction at most; the rest wait for the next commit.</summary>
    public const int MaxBatch = 256;

    private readonly Database _database;
    private readonly ILogger<GroupCommit> _logger;
    private readonly Channel<PendingWrite> _queue = Channel.CreateUnbounded<PendingWrite>(new UnboundedChannelOptions { SingleReader = true });
    private readonly Lazy<Task> _writer;
    private long _commits;

    public GroupCommit(Database database, ILogger<GroupCommit> logger)
    {
        _database = database;
        _logger = logger;
        _writer = new Lazy<Task>(() => Task.Run(WriteLoopAsync));
    }

    /// <summary>Transactions committed by the SQLite writer so far (one per batch).</summary>
    public long Commits => Interlocked.Read(ref _commits);

    /// <summary>Runs <paramref name="write"/> and returns its result once it is committed (or throws what it threw).</summary>
    public async Task<T> RunAsync<T>(Func<WriteScope, Task<T>> write, CancellationToken cancellationToken)
    {
        if (_database.Dialect == SqlDialect.Postgres)
        {
            return await RunAloneAsync(write, cancellationToken);
        }

        var pending = new PendingWrite<T>(write, cancellationToken);
        ObjectDisposedException.ThrowIf(!_queue.Writer.TryWrite(pending), this);

        _ = _writer.Value;
        return await pending.Result;
    }

    public Task RunAsync(Func<WriteScope, Task> write, CancellationToken cancellationToken) =>
        RunAsync<bool>(async scope =>
        {
            await write(scope);
            return true;
        }, cancellationToken);

    public async ValueTask DisposeAsync()
    {
        _queue.Writer.TryComplete();
        if (_writer.IsValueCreated)
        {
            await _writer.Value;
        }
    }

    private async Task<T> RunAloneAsync<T>(Func<WriteScope, Task<T>> write, CancellationToken cancellationToken)
    {
        await using var connection = await _database.OpenAsync(cancellationToken);
        await using var transaction = await Database.BeginWriteAsync(connection, cancellationToken);
        var scope = new WriteScope(connection, transaction, cancellationToken);
        var result = await write(scope);
        if (scope.Discarded)
        {
            await transaction.RollbackAsync(cancellationToken);
        }
        else
        {
            await transaction.CommitAsync(cancellationToken);
        }

        return result;
    }

    private async Task WriteLoopAsync()
    {
        var batch = new List<PendingWrite>(MaxBatch);
        while (await _queue.Reader.WaitToReadAsync())
        {
            while (batch.Count < MaxBatch && _queue.Reader.TryRead(out var pending))
            {
                batch.Add(pending);
            }

            await WriteBatchAsync(batch);
            batch.Clear();
        }
    }

    private async Task WriteBatchAsync(List<PendingWrite> batch)
    {
        var kept = new List<PendingWrite>(batch.Count);
        try
        {
            // The connection is closed before anyone is answered: closing is what tells in-memory row copies
            // (RowChanges) that the batch's rows settled.
            await using (var connection = await _database.OpenAsync(CancellationToken.None))
            await using (var transaction = await Database.BeginWriteAsync(connection, CancellationToken.None))
            {
                foreach (var pending in batch)
                {
                    if (await RunInSavepointAsync(pending, connection, transaction))
                    {
                        kept.Add(pending);
                    }
                }

                await transaction.CommitAsync(CancellationToken.None);
                Interlocked.Increment(ref _commits);
            }
        }
#pragma warning disable CA1031 // A failed commit fails every write of the batch, each caller gets the exception.
        catch (Exception exception)
#pragma warning restore CA1031
        {
            // Nothing of the batch is durable: every write not answered yet (kept ones, and those never reached)
            // gets the exception; a write that failed on its own keeps its own.
            LogBatchFailed(_logger, batch.Count, exception);
            foreach (var pending in batch)
            {
                pending.Fail(exception);
            }

            return;
        }

        foreach (var pending in kept)
        {
            pending.Complete();
        }
    }

    // True when the write is part of the commit; a write that failed (or was cancelled before it ran) is answered
    // at once with its exception, a discarded one once the batch is committed.
    private static async Task<bool> RunInSavepointAsync(PendingWrite pending, DbConnection connection, DbTransaction transaction)
    {
        if (pending.CancellationToken.IsCancellationRequested)
        {
            pending.Fail(new OperationCanceledException(pending.CancellationToken));
            return false;
        }

        await transaction.SaveAsync("w");
        try
        {
            var scope = new WriteScope(connection, transaction, pending.CancellationToken);
            await pending.RunAsync(scope);
            if (scope.Discarded)
            {
                await transaction.RollbackAsync("w");
            }

            await transaction.ReleaseAsync("w");
            return true;
        }
#pragma warning disable CA1031 // The write's own failure goes back to its caller; the batch goes on.
        catch (Exception exception)
#pragma warning restore CA1031
        {
            // Answered first: if even the rollback fails, the whole batch fails and every other write hears of it.
            pending.Fail(exception);
            await transaction.RollbackAsync("w");
            await transaction.ReleaseAsync("w");
            return false;
        }
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "A group commit of {Count} writes failed; each caller gets the error")]
    private static partial void LogBatchFailed(ILogger logger, int count, Exception exception);

    private abstract class PendingWrite(CancellationToken cancellationToken)
    {
        public CancellationToken CancellationToken { get; } = cancellationToken;

        public abstract Task RunAsync(WriteScope scope);

        public abstract void Complete();

        public abstract void Fail(Exception exception);
    }

    private sealed class PendingWrite<T>(Func<WriteScope, Task<T>> write, CancellationToken cancellationToken) : PendingWrite(cancellationToken)
    {
        // Continuations run off the writer loop, so a caller's code never delays the next batch.
        private readonly TaskCompletionSource<T> _result = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private T? _value;

        public Task<T> Result => _result.Task;

        public override async Task RunAsync(WriteScope scope) => _value = await write(scope);

        public override void Complete() => _result.TrySetResult(_value!);

        public override void Fail(Exception exception) => _result.TrySetException(exception);
    }
}
