using Dapper;
using Latchkey.Server.Storage;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace Latchkey.Server.Tests.Storage;

/// <summary>
/// SQLite's group commit on a real database file: concurrent writes share commits, each caller is answered only
/// once its write is durable, and one write's failure or refusal leaves the others of its batch intact.
/// </summary>
public sealed class GroupCommitTests : IAsyncLifetime
{
    private readonly string _folder = Directory.CreateTempSubdirectory("latchkey-group-commit-").FullName;
    private Database _database = null!;
    private GroupCommit _writes = null!;

    public async ValueTask InitializeAsync()
    {
        // The engine is named here: this suite is about SQLite's single writer (PostgreSQL runs each write alone).
        _database = new Database(Options.Create(new StorageOptions { DataDirectory = _folder }));
        _writes = new GroupCommit(_database, NullLogger<GroupCommit>.Instance);
        await using var connection = await _database.OpenAsync(CancellationToken.None);
        await connection.ExecuteAsync("PRAGMA journal_mode=WAL; CREATE TABLE items (id INTEGER PRIMARY KEY, name TEXT NOT NULL UNIQUE)");
    }

    public async ValueTask DisposeAsync()
    {
        await _writes.DisposeAsync();
        await _database.DisposeAsync();
        SqliteConnection.ClearAllPools();
        Directory.Delete(_folder, recursive: true);
    }

    [Fact]
    public async Task ConcurrentWrites_ShareCommits_AndEachIsDurableWhenAnswered()
    {
        // The first write holds its batch open until every other write is queued, so they must share the next commit.
        var everyoneQueued = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var first = _writes.RunAsync(async scope =>
        {
            await everyoneQueued.Task;
            return await Insert(scope, "item-0");
        }, CancellationToken.None);
        var others = Enumerable.Range(1, 63).Select(i => _writes.RunAsync(scope => Insert(scope, $"item-{i}"), CancellationToken.None)).ToArray();
        everyoneQueued.SetResult();

        var ids = await Task.WhenAll(others.Prepend(first));

        Assert.Equal(64, ids.Distinct().Count());
        Assert.InRange(_writes.Commits, 1, 2);
        // Answered means committed: a new connection (not the writer's) sees every row.
        await using var reader = new SqliteConnection(_database.ConnectionString);
        Assert.Equal(64, await reader.ExecuteScalarAsync<long>("SELECT COUNT(*) FROM items"));
    }

    [Fact]
    public async Task AFailingWrite_GetsItsOwnError_AndTheRestOfItsBatchIsKept()
    {
        await _writes.RunAsync(scope => Insert(scope, "taken"), CancellationToken.None);
        var gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var before = _writes.RunAsync(async scope =>
        {
            await gate.Task;
            return await Insert(scope, "before");
        }, CancellationToken.None);
        var duplicate = _writes.RunAsync(scope => Insert(scope, "taken"), CancellationToken.None);
        var after = _writes.RunAsync(scope => Insert(scope, "after"), CancellationToken.None);
        gate.SetResult();

        await before;
        await after;
        var error = await Assert.ThrowsAsync<SqliteException>(() => duplicate);
        Assert.Equal(19, error.SqliteErrorCode); // SQLITE_CONSTRAINT
        Assert.Equal(["after", "before", "taken"], await NamesAsync());
    }

    [Fact]
    public async Task ADiscardedWrite_IsRolledBackAlone_AndStillAnswered()
    {
        var gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var kept = _writes.RunAsync(async scope =>
        {
            await gate.Task;
            return await Insert(scope, "kept");
        }, CancellationToken.None);
        var refused = _writes.RunAsync(async scope =>
        {
            await Insert(scope, "refused");
            scope.Discard();
            return "refused for a reason";
        }, CancellationToken.None);
        gate.SetResult();

        await kept;
        Assert.Equal("refused for a reason", await refused);
        Assert.Equal(["kept"], await NamesAsync());
    }

    [Fact]
    public async Task AWriteCancelledWhileQueued_IsNotRun()
    {
        var gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var blocking = _writes.RunAsync(async scope =>
        {
            await gate.Task;
            return await Insert(scope, "first");
        }, CancellationToken.None);
        using var cancel = new CancellationTokenSource();
        var cancelled = _writes.RunAsync(scope => Insert(scope, "never"), cancel.Token);
        await cancel.CancelAsync();
        gate.SetResult();

        await blocking;
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => cancelled);
        Assert.Equal(["first"], await NamesAsync());
    }

    private static Task<long> Insert(WriteScope scope, string name) =>
        scope.Connection.ExecuteScalarAsync<long>(new CommandDefinition(
            "INSERT INTO items (name) VALUES (@name) RETURNING id", new { name }, scope.Transaction, cancellationToken: scope.CancellationToken));

    private async Task<string[]> NamesAsync()
    {
        await using var connection = await _database.OpenAsync(CancellationToken.None);
        return (await connection.QueryAsync<string>("SELECT name FROM items ORDER BY name")).ToArray();
    }
}
