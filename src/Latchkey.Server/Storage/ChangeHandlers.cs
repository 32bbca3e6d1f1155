using System.Data.Common;

namespace Latchkey.Server.Storage;

/// <summary>
/// How a feature tells the features above it what it changed without knowing them (the layer rule of
/// docs/architecture.md): the event type belongs to the feature that raises it, and every handler runs inside that
/// feature's transaction, so a reaction (an auth webhook in the outbox) is committed with the change or not
/// at all. Handlers register as <c>IChangeHandler&lt;TChange&gt;</c> singletons.
/// </summary>
public interface IChangeHandler<in TChange>
{
    Task HandleAsync(TChange change, DbConnection connection, DbTransaction transaction, CancellationToken cancellationToken);
}

public static class ChangeHandlers
{
    public static async Task RaiseAsync<TChange>(
        this IEnumerable<IChangeHandler<TChange>> handlers, TChange change, DbConnection connection, DbTransaction transaction, CancellationToken cancellationToken)
    {
        foreach (var handler in handlers)
        {
            await handler.HandleAsync(change, connection, transaction, cancellationToken);
        }
    }
}
