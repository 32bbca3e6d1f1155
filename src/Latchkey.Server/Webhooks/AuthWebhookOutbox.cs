using System.Data.Common;
using Dapper;
using Latchkey.Server.Environments;

namespace Latchkey.Server.Webhooks;

/// <summary>
/// Writes auth webhook events into the outbox inside the caller's transaction, so an event exists exactly when its
/// connection change was committed (a crash between the two loses nothing). Targets and body are decided here:
/// spec §7.1 rules, primary + secondary URL, a connection's <c>webhook_url_override</c> replacing both.
/// </summary>
public sealed class AuthWebhookOutbox(TimeProvider clock, WebhookSignal signal)
{
    public async Task EnqueueAsync(DbConnection connection, DbTransaction transaction, AuthWebhookEvent e, CancellationToken ct)
    {
        var (environmentName, settings) = await EnvironmentStore.ReadWebhookSettingsAsync(connection, transaction, e.EnvironmentId, ct);
        var wanted = e.Operation switch
        {
            AuthWebhookEvent.Creation => settings.OnAuthCreation,
            AuthWebhookEvent.Refresh => settings.OnAuthRefreshError,
            _ => true,
        };
        if (!wanted)
        {
            return;
        }

        var urlOverride = await connection.ExecuteScalarAsync<string?>(new CommandDefinition(
            "SELECT webhook_url_override FROM connections WHERE id = @ConnectionRowId", new { e.ConnectionRowId }, transaction, cancellationToken: ct));
        string?[] targets = string.IsNullOrEmpty(urlOverride) ? [settings.PrimaryUrl, settings.SecondaryUrl] : [urlOverride];
        var urls = targets.Where(u => !string.IsNullOrEmpty(u)).Distinct(StringComparer.Ordinal).ToArray();
        if (urls.Length == 0)
        {
            return;
        }

        var body = WebhookPayload.Build(e, environmentName);
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
                new { eventId, e.EnvironmentId, e.ConnectionRowId, e.ConnectionId, e.IntegrationKey, e.Operation, success = e.Success ? 1 : 0, url, body, now },
                transaction, cancellationToken: ct));
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
