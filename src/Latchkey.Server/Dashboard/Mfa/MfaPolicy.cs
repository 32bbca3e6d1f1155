using Dapper;
using Latchkey.Server.Storage;

namespace Latchkey.Server.Dashboard.Mfa;

/// <summary>
/// "Require MFA for everyone", a dashboard-wide setting kept in <c>dashboard_settings</c>. While it is on, a user
/// without a second factor can only enrol one (or log out): <see cref="MustEnrolAsync"/> is asked on every request.
/// </summary>
public sealed class MfaPolicy(Database database, TimeProvider clock)
{
    private const string RequireMfa = "require_mfa";

    public async Task<bool> IsRequiredAsync(CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        return await connection.ExecuteScalarAsync<string?>(new CommandDefinition(
            "SELECT value FROM dashboard_settings WHERE name = @name", new { name = RequireMfa }, cancellationToken: cancellationToken)) == "true";
    }

    public async Task SetRequiredAsync(bool required, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        await connection.ExecuteAsync(new CommandDefinition(
            """
            INSERT INTO dashboard_settings (name, value, updated_at) VALUES (@name, @value, @now)
            ON CONFLICT (name) DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at
            """,
            new { name = RequireMfa, value = required ? "true" : "false", now = clock.GetUtcNow().ToUnixTimeMilliseconds() }, cancellationToken: cancellationToken));
    }

    /// <summary>Whether MFA is required and this user has no second factor yet (one query, made on every dashboard request).</summary>
    public async Task<bool> MustEnrolAsync(long userId, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        return await connection.ExecuteScalarAsync<long>(new CommandDefinition(
            """
            SELECT COUNT(*) FROM dashboard_settings s WHERE s.name = @name AND s.value = 'true'
              AND NOT EXISTS (SELECT 1 FROM dashboard_totp t WHERE t.user_id = @userId AND t.confirmed_at IS NOT NULL)
              AND NOT EXISTS (SELECT 1 FROM dashboard_passkeys p WHERE p.user_id = @userId)
            """, new { name = RequireMfa, userId }, cancellationToken: cancellationToken)) > 0;
    }
}
