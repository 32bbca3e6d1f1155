using System.Data.Common;
using Dapper;
using Latchkey.Server.Connections;
using Latchkey.Server.Environments;
using Latchkey.Server.Storage;

namespace Latchkey.Server.Webhooks;

/// <summary>
/// Writes auth webhook events into the outbox inside the transaction of the connection change that raised them, so an
/// event exists exactly when its change was committed (a crash between the two loses nothing). Targets and body are
/// decided here: spec §7.1 rules, primary + secondary URL, a connection's <c>webhook_url_override</c> replacing both.
/// </summary>
public sealed class AuthWebhookOutbox(TimeProvider clock, WebhookSignal signal) : IChangeHandler<ConnectionEvent>
{
    public async Task HandleAsync(ConnectionEvent change, DbConnection connection, DbTransaction transaction, CancellationToken cancellationToken)
    {
        var (environmentName, settings) = await EnvironmentStore.ReadWebhookSettingsAsync(connection, transaction, change.EnvironmentId, cancellationToken);
        var wanted = change.Operation switch
        {
            ConnectionEvent.Creation => settings.OnAuthCreation,
            ConnectionEvent.Refresh => settings.OnAuthRefreshError,
            _ => true,
        };
        if (!wanted)
        {
            return;
        }

        string?[] targets = string.IsNullOrEmpty(change.WebhookUrlOverride) ? [settings.PrimaryUrl, settings.SecondaryUrl] : [change.WebhookUrlOverride];
        var urls = targets.Where(u => !string.IsNullOrEmpty(u)).Distinct(StringComparer.Ordinal).ToArray();
        if (urls.Length == 0)
        {
            return;
        }

        var body = WebhookPayload.Build(change, environmentName);
        var eventId = Guid.NewGuid().ToString();
        var now = clock.GetUtcNow().ToUnixTimeMilliseconds();
        foreach (var url in urls)
        {
            await connection.ExecuteAsync(new CommandDefinition(
                """
                INSERT INTO webhook_deliveries (event_id, environment_id, connection_ref, connection_id, integration_key, operation, success,
                    url, body, state, attempts, next_attempt_at, created_at)
                VALUES (@eventId, @EnvironmentId, @ConnectionRowId, @ConnectionId, @IntegrationKey, @Operation, @success,
                    @url, @body, 0, 0, @now, @now)
                """,
                new { eventId, change.EnvironmentId, change.ConnectionRowId, change.ConnectionId, change.IntegrationKey, change.Operation, success = change.Success ? 1 : 0, url, body, now },
                transaction, cancellationToken: cancellationToken));
        }

        // The dispatcher looks soon; what it finds depends on the commit, and polling covers a wake-up that came early.
        signal.Wake();
    }
}

/// <summary>Wakes the dispatcher when an event was queued, so delivery does not wait for the next poll.</summary>
public sealed class WebhookSignal : IDisposable
{
    private readonly SemaphoreSlim _semaphore = new(0, 1);

    public void Wake()
    {
        try
        {
            if (_semaphore.CurrentCount == 0)
            {
                _semaphore.Release();
            }
        }
        catch (SemaphoreFullException)
        {
        }
    }

    public void Dispose() => _semaphore.Dispose();

    public Task<bool> WaitAsync(TimeSpan timeout, CancellationToken cancellationToken) => _semaphore.WaitAsync(timeout, cancellationToken);
}
