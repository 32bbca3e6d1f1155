using System.Data;
using Microsoft.Data.Sqlite;
using SQLitePCL;

namespace Latchkey.Server.Storage;

/// <summary>Something kept in memory that must forget rows this process writes (see <see cref="RowChanges"/>).</summary>
public interface IRowChangeObserver
{
    /// <summary>A row of <paramref name="table"/> was inserted, updated or deleted by a write that has not settled yet.</summary>
    void Changing(string table, long rowId);

    /// <summary>The connection that changed the row closed: its write is committed (or rolled back) for every reader.</summary>
    void Settled(string table, long rowId);
}

/// <summary>
/// Reports every row a SQLite connection of this process changes, through SQLite's update hook, so in-memory copies
/// of rows can be trusted without asking the database. A change is reported twice: when the row changes (before the
/// commit, so nobody keeps a copy read meanwhile) and when the writing connection closes (after the commit, so a copy
/// read before it is known to be old). Only SQLite: there the server is the one process writing the file (PostgreSQL
/// deployments run several instances, so nothing is cached there).
/// </summary>
public sealed class RowChanges(IEnumerable<IRowChangeObserver> observers)
{
    private readonly IRowChangeObserver[] _observers = observers.ToArray();

    /// <summary>
    /// Reports a committed change that no update hook saw: a write on PostgreSQL, where this process keeps copies too
    /// (other instances' writes arrive as notifications). Calling it for a row a SQLite hook reported already only
    /// makes copies of that row be read again.
    /// </summary>
    public void Report(string table, long rowId)
    {
        foreach (var observer in _observers)
        {
            observer.Changing(table, rowId);
            observer.Settled(table, rowId);
        }
    }

    /// <summary>Takes off the hook a pooled handle may still carry from its previous user.</summary>
    public static void Untrack(SqliteConnection connection) => raw.sqlite3_update_hook(connection.Handle, (delegate_update?)null, null);

    public void Track(SqliteConnection connection)
    {
        if (_observers.Length == 0)
        {
            Untrack(connection);
            return;
        }

        // One list per open connection: a connection is used by one caller at a time, so it needs no lock. The hook
        // stays on the pooled handle after Close and is replaced (or taken off) on the next Open (the prepared-read
        // connections, which never write, are not pooled, so they never inherit one).
        var touched = new List<(string Table, long RowId)>();
        raw.sqlite3_update_hook(connection.Handle, (_, _, _, table, rowId) =>
        {
            var name = table.utf8_to_string();
            touched.Add((name, rowId));
            foreach (var observer in _observers)
            {
                observer.Changing(name, rowId);
            }
        }, null);

        connection.StateChange += (_, change) =>
        {
            if (change.CurrentState != ConnectionState.Closed)
            {
                return;
            }

            foreach (var (table, rowId) in touched)
            {
                foreach (var observer in _observers)
                {
                    observer.Settled(table, rowId);
                }
            }

            touched.Clear();
        };
    }
}
