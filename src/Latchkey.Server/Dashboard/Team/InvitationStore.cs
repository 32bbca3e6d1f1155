using System.Security.Cryptography;
using System.Text;
using Dapper;
using Latchkey.Server.Storage;
using Microsoft.AspNetCore.WebUtilities;

namespace Latchkey.Server.Dashboard.Team;

/// <summary>
/// Invitation links: a 256-bit random token, of which only the SHA-256 is stored; used once (the accepting
/// transaction claims it), before it expires, by a user who is not disabled. A new link for a user replaces the
/// unused ones. Accepting sets the user's password and ends their other sessions, so a new link also resets a password.
/// </summary>
public sealed class InvitationStore(Database database, TimeProvider clock)
{
    public static readonly TimeSpan Lifetime = TimeSpan.FromDays(7);

    public async Task<(string Token, DateTimeOffset ExpiresAt)> CreateAsync(long userId, string invitedBy, CancellationToken cancellationToken)
    {
        var token = WebEncoders.Base64UrlEncode(RandomNumberGenerator.GetBytes(32));
        var now = clock.GetUtcNow();
        var expires = now + Lifetime;
        await using var connection = await database.OpenAsync(cancellationToken);
        await using var transaction = await Database.BeginWriteAsync(connection, cancellationToken);
        await connection.ExecuteAsync(new CommandDefinition(
            "DELETE FROM dashboard_invitations WHERE user_id = @userId AND used_at IS NULL", new { userId }, transaction, cancellationToken: cancellationToken));
        await connection.ExecuteAsync(new CommandDefinition(
            """
            INSERT INTO dashboard_invitations (token_hash, user_id, invited_by, created_at, expires_at)
            VALUES (@hash, @userId, @invitedBy, @now, @expires)
            """,
            new { hash = Hash(token), userId, invitedBy, now = now.ToUnixTimeMilliseconds(), expires = expires.ToUnixTimeMilliseconds() },
            transaction, cancellationToken: cancellationToken));
        await transaction.CommitAsync(cancellationToken);
        return (token, expires);
    }

    /// <summary>The e-mail of the user a still valid invitation is for, or null.</summary>
    public async Task<string?> FindEmailAsync(string token, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        return await connection.ExecuteScalarAsync<string?>(new CommandDefinition(
            """
            SELECT u.email FROM dashboard_invitations i JOIN dashboard_users u ON u.id = i.user_id
            WHERE i.token_hash = @hash AND i.used_at IS NULL AND i.expires_at > @now AND u.disabled_at IS NULL
            """,
            new { hash = Hash(token), now = clock.GetUtcNow().ToUnixTimeMilliseconds() }, cancellationToken: cancellationToken));
    }

    /// <summary>Uses the invitation and sets the password; the user's e-mail, or null when the link is not valid (any more).</summary>
    public async Task<string?> AcceptAsync(string token, string passwordHash, CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow().ToUnixTimeMilliseconds();
        await using var connection = await database.OpenAsync(cancellationToken);
        await using var transaction = await Database.BeginWriteAsync(connection, cancellationToken);
        // Claimed first and atomically: of two concurrent uses, one updates the row and the other finds it used.
        var userId = await connection.ExecuteScalarAsync<long?>(new CommandDefinition(
            "UPDATE dashboard_invitations SET used_at = @now WHERE token_hash = @hash AND used_at IS NULL AND expires_at > @now RETURNING user_id",
            new { hash = Hash(token), now }, transaction, cancellationToken: cancellationToken));
        var email = userId is null ? null : await connection.ExecuteScalarAsync<string?>(new CommandDefinition(
            "UPDATE dashboard_users SET password_hash = @passwordHash, updated_at = @now WHERE id = @userId AND disabled_at IS NULL RETURNING email",
            new { passwordHash, now, userId }, transaction, cancellationToken: cancellationToken));
        if (email is null)
        {
            return null;
        }

        await DashboardSessions.EndAllAsync(connection, transaction, email, cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return email;
    }

    private static string Hash(string token) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(token)));
}
