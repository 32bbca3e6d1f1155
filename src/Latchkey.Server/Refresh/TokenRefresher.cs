using Latchkey.Server.Connections;
using Latchkey.Server.Hosting;
using Latchkey.Server.Logs;
using Latchkey.Server.Storage;

namespace Latchkey.Server.Refresh;

/// <summary>
/// Refreshes one connection's credentials under its lock. After taking the lock it re-reads the connection: a
/// concurrent reader (here or on another instance) may have refreshed already. A refusal keeps the old credentials,
/// records the failure and answers the spec's error; nothing is deleted. A lock wait that times out never refreshes.
/// </summary>
public sealed class TokenRefresher(
    ConnectionStore store,
    RefreshCredentials refresh,
    ConnectionWriter writer,
    IRefreshLock locks,
    ConnectionSecrets secrets,
    AuthLogWriter authLog,
    TimeProvider clock)
{
    public static readonly TimeSpan LockTimeout = TimeSpan.FromSeconds(12);

    public async Task<Outcome<CredentialRead>> RefreshAsync(StoredConnection seen, bool force, CancellationToken cancellationToken)
    {
        await using var held = await locks.AcquireAsync(seen.Id, LockTimeout, cancellationToken);
        var current = await store.GetLiveAsync(seen.Id, cancellationToken);
        if (current is null)
        {
            return ApiError.NotFound("The connection was deleted while its credentials were being refreshed.");
        }

        var credentials = secrets.Open(current);
        // Every save seals with a fresh nonce, so a different sealed value means new credentials (a metadata or tag
        // change does not count, unlike a change of updated_at).
        var refreshedMeanwhile = current.CredentialsSealed != seen.CredentialsSealed;
        if (refreshedMeanwhile || !RefreshPolicy.IsDue(credentials, refresh.ProviderOf(current), clock.GetUtcNow(), force))
        {
            return new CredentialRead(current, credentials);
        }

        if (held is null)
        {
            // Someone still holds the lock (spec §5.10 (c)): refreshing now could spend a rotated refresh token twice.
            // The reader is told to come back, as after a recent failure; nothing is recorded against the connection.
            return new ApiError(StatusCodes.Status424FailedDependency, ErrorCodes.InvalidCredentials,
                "This connection's credentials are being refreshed by another request; try again shortly.")
            {
                Payload = new { type = ErrorCodes.ConnectionRefreshBackoff, connection_id = current.ConnectionId },
            };
        }

        var startedAt = clock.GetUtcNow();
        var result = await refresh.ObtainAsync(current, credentials, cancellationToken);
        var steps = new List<AuthLogStep>
        {
            new("refresh due", startedAt, force ? "forced by the caller" : "the token expires within its margin"),
            new("token endpoint", clock.GetUtcNow(), result.Failed ? ProviderFaults.StepText(result.Error.Code) : "new credentials issued"),
        };
        // A provider that could not be reached or failed itself gave no verdict: its own type, not a refused refresh.
        var failureType = result.Failed && ProviderFaults.IsNoVerdict(result.Error.Code) ? result.Error.Code : ErrorCodes.RefreshTokenExternalError;
        AuthLogEntry Entry(bool success, string? message) => new(current.EnvironmentId, "refresh", current.IntegrationKey, current.ConnectionId,
            success, success ? null : failureType, message, steps, startedAt, clock.GetUtcNow() - startedAt);
        if (result.Failed)
        {
            // The connection points at the log entry that tells why (spec §4.6 errors[].log_id).
            var entry = Entry(false, result.Error.Message);
            await writer.RecordRefreshFailureAsync(current, new RefreshFailure(failureType, result.Error.Message ?? "", entry.Uid,
                RefreshPolicy.ExhaustedAfterFailingDays), cancellationToken);
            authLog.Record(entry);
            var payload = new { type = failureType, connection_id = current.ConnectionId };
            return failureType == ErrorCodes.RefreshTokenExternalError
                ? new ApiError(StatusCodes.Status400BadRequest, ErrorCodes.InvalidCredentials, result.Error.Message) { Payload = payload }
                : new ApiError(result.Error.Status, failureType, result.Error.Message) { Payload = payload };
        }

        var (fresh, expiresAt, config) = result.Value;
        await writer.SaveRefreshedAsync(current, fresh, expiresAt, config, cancellationToken);
        authLog.Record(Entry(true, null));
        var saved = await store.GetLiveAsync(current.Id, cancellationToken);
        return new CredentialRead(saved ?? current, fresh);
    }
}
