using System.Collections.Concurrent;
using System.Text.Json.Nodes;
using Latchkey.Server.Connections;
using Latchkey.Server.Hosting;

namespace Latchkey.Server.Refresh;

/// <summary>A connection as read for the customer, with its credentials opened.</summary>
public sealed record CredentialRead(StoredConnection Connection, JsonObject Credentials)
{
    public override string ToString() => $"CredentialRead {{ {Connection.ConnectionId} [credentials redacted] }}";
}

/// <summary>
/// Opens a connection's credentials for a read, refreshing them first when due (spec §5.10). Refreshes are
/// single-flight per connection: concurrent readers of one connection share one in-flight refresh, which then takes
/// the connection's lock, so a hundred simultaneous reads after expiry make one call to the provider.
/// </summary>
public sealed class CredentialReader(ConnectionSecrets secrets, RefreshCredentials refresh, TokenRefresher refresher, TimeProvider clock)
{
    private readonly ConcurrentDictionary<long, Lazy<Task<Outcome<CredentialRead>>>> _inFlight = new();

    public async Task<Outcome<CredentialRead>> ReadAsync(StoredConnection connection, bool forceRefresh, CancellationToken cancellationToken)
    {
        var credentials = secrets.Open(connection);
        var now = clock.GetUtcNow();
        if (!RefreshPolicy.IsDue(credentials, refresh.ProviderOf(connection), now, forceRefresh))
        {
            return new CredentialRead(connection, credentials);
        }

        if (!forceRefresh && Guard(connection, now) is { } refusal)
        {
            return refusal;
        }

        var shared = _inFlight.GetOrAdd(connection.Id, id => new Lazy<Task<Outcome<CredentialRead>>>(() => RefreshAndForgetAsync(id, connection, forceRefresh)));
        var result = await shared.Value.WaitAsync(cancellationToken);

        // Every reader that joined this refresh gets its own copy: the view shapes (and strips) what it is given.
        return result.Failed ? result : new CredentialRead(result.Value.Connection, result.Value.Credentials.DeepClone().AsObject());
    }

    /// <summary>
    /// After a provider refused the credentials of <paramref name="used"/> (a 401 on a proxied call): one refresh,
    /// shared with every concurrent reader of the connection. When someone refreshed since <paramref name="used"/> was
    /// read, theirs is returned without another grant; a recent failure answers at once, as on a read.
    /// </summary>
    public async Task<Outcome<CredentialRead>> RefreshRejectedAsync(StoredConnection used, CancellationToken cancellationToken)
    {
        if (!RefreshPolicy.CanRefresh(secrets.Open(used)))
        {
            return new CredentialRead(used, secrets.Open(used));
        }

        if (Guard(used, clock.GetUtcNow()) is { } refusal)
        {
            return refusal;
        }

        var shared = _inFlight.GetOrAdd(used.Id, id => new Lazy<Task<Outcome<CredentialRead>>>(() => RefreshAndForgetAsync(id, used, force: true)));
        var result = await shared.Value.WaitAsync(cancellationToken);
        return result.Failed ? result : new CredentialRead(result.Value.Connection, result.Value.Credentials.DeepClone().AsObject());
    }

    // A connection whose refresh just failed, or failed for days, answers at once instead of hammering the provider.
    private static ApiError? Guard(StoredConnection connection, DateTimeOffset now)
    {
        if (connection.RefreshExhausted)
        {
            return Refusal(ErrorCodes.ConnectionRefreshExhausted, "Refreshing this connection has failed for several days; reconnect it or force a refresh.");
        }

        var failedRecently = connection.LastRefreshFailureAt is { } failedAt && failedAt > (connection.LastRefreshSuccessAt ?? 0) &&
            now - DateTimeOffset.FromUnixTimeMilliseconds(failedAt) < RefreshPolicy.FailureBackoff;
        return failedRecently
            ? Refusal(ErrorCodes.ConnectionRefreshBackoff, "The last refresh of this connection failed moments ago; try again shortly.")
            : null;
    }

    private static ApiError Refusal(string type, string message) =>
        new(StatusCodes.Status424FailedDependency, ErrorCodes.InvalidCredentials, message) { Payload = new { type } };

    // The shared refresh must not die with the first caller's request, so it runs without the request's token
    // (the token endpoint's own timeout bounds it).
    private async Task<Outcome<CredentialRead>> RefreshAndForgetAsync(long id, StoredConnection connection, bool force)
    {
        try
        {
            return await refresher.RefreshAsync(connection, force, CancellationToken.None);
        }
        finally
        {
            _inFlight.TryRemove(id, out _);
        }
    }
}
