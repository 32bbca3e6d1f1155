using System.Data.Common;
using Dapper;
using Latchkey.Server.Dashboard.Mfa;
using Latchkey.Server.Storage;
using Microsoft.AspNetCore.Identity;

namespace Latchkey.Server.Dashboard.Team;

/// <summary>A user as the Users page lists them: roles by environment id, and the expiry of a pending invitation.</summary>
public sealed record TeamMember(long Id, string Email, bool HasPassword, long? DisabledAt, long CreatedAt, IReadOnlyDictionary<long, DashboardRole> Roles, long? InvitationExpiresAt,
    bool HasMfa);

public enum LoginCheck
{
    Wrong,
    Disabled,
    Ok,
}

/// <summary>
/// Dashboard users and their roles. Passwords are hashed with ASP.NET Core Identity's <see cref="PasswordHasher{TUser}"/>
/// (PBKDF2-HMAC-SHA512, its iteration count raised by new framework versions: an older hash is rehashed at the next login).
/// Disabling or removing a user deletes their sessions in the same transaction, which ends them on every instance.
/// </summary>
public sealed class UserStore(Database database, TimeProvider clock)
{
    private static readonly PasswordHasher<HashSubject> Hasher = new();
    private static readonly Lazy<string> DummyHash = new(() => Hasher.HashPassword(new HashSubject(), Guid.NewGuid().ToString()));

    public static string Normalise(string email) => email.Trim().ToLowerInvariant();

    public static string HashPassword(string password) => Hasher.HashPassword(new HashSubject(), password);

    public async Task<bool> AnyAsync(CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        return await connection.ExecuteScalarAsync<long>(new CommandDefinition("SELECT COUNT(*) FROM dashboard_users", cancellationToken: cancellationToken)) > 0;
    }

    /// <summary>
    /// The configured administrator (LATCHKEY_ADMIN_EMAIL/PASSWORD, or the first start's): created if missing, given
    /// this password, and admin in every environment. A different password ends the user's sessions in the same
    /// transaction; the same password (applied again at each start) changes nothing.
    /// </summary>
    public async Task EnsureAdminAsync(string email, string password, CancellationToken cancellationToken)
    {
        var normalised = Normalise(email);
        var now = clock.GetUtcNow().ToUnixTimeMilliseconds();
        await using var connection = await database.OpenAsync(cancellationToken);
        await using var transaction = await Database.BeginWriteAsync(connection, cancellationToken);
        var current = await connection.QuerySingleOrDefaultAsync<Credentials>(new CommandDefinition(
            "SELECT password_hash AS Hash, disabled_at AS DisabledAt FROM dashboard_users WHERE email = @normalised", new { normalised }, transaction, cancellationToken: cancellationToken));
        var same = current?.Hash is { } hash && Hasher.VerifyHashedPassword(new HashSubject(), hash, password) == PasswordVerificationResult.Success;
        if (!same)
        {
            await connection.ExecuteAsync(new CommandDefinition(
                """
                INSERT INTO dashboard_users (email, password_hash, created_at, updated_at) VALUES (@normalised, @hash, @now, @now)
                ON CONFLICT (email) DO UPDATE SET password_hash = excluded.password_hash, updated_at = excluded.updated_at
                """,
                new { normalised, hash = HashPassword(password), now }, transaction, cancellationToken: cancellationToken));
            if (current?.Hash is not null)
            {
                await DashboardSessions.EndAllAsync(connection, transaction, normalised, cancellationToken);
            }
        }

        var id = await connection.ExecuteScalarAsync<long>(new CommandDefinition(
            "SELECT id FROM dashboard_users WHERE email = @normalised", new { normalised }, transaction, cancellationToken: cancellationToken));
        // "WHERE 1 = 1": SQLite needs a WHERE before ON CONFLICT in an INSERT … SELECT (its parser would read ON as a join's).
        await connection.ExecuteAsync(new CommandDefinition(
            """
            INSERT INTO dashboard_user_roles (user_id, environment_id, role) SELECT @id, id, 'admin' FROM environments WHERE 1 = 1
            ON CONFLICT (user_id, environment_id) DO UPDATE SET role = excluded.role
            """,
            new { id }, transaction, cancellationToken: cancellationToken));
        await transaction.CommitAsync(cancellationToken);
    }

    /// <summary>Checks a password; an unknown e-mail or a user without a password costs a hash too, so timing tells nothing.</summary>
    public async Task<LoginCheck> VerifyAsync(string email, string password, CancellationToken cancellationToken)
    {
        var normalised = Normalise(email);
        await using var connection = await database.OpenAsync(cancellationToken);
        var user = await connection.QuerySingleOrDefaultAsync<Credentials>(new CommandDefinition(
            "SELECT password_hash AS Hash, disabled_at AS DisabledAt FROM dashboard_users WHERE email = @normalised", new { normalised }, cancellationToken: cancellationToken));
        if (user?.Hash is not { } hash)
        {
            Hasher.VerifyHashedPassword(new HashSubject(), DummyHash.Value, password);
            return LoginCheck.Wrong;
        }

        var result = Hasher.VerifyHashedPassword(new HashSubject(), hash, password);
        if (result == PasswordVerificationResult.Failed)
        {
            return LoginCheck.Wrong;
        }

        if (user.DisabledAt is not null)
        {
            return LoginCheck.Disabled;
        }

        if (result == PasswordVerificationResult.SuccessRehashNeeded)
        {
            await connection.ExecuteAsync(new CommandDefinition(
                "UPDATE dashboard_users SET password_hash = @hash WHERE email = @normalised",
                new { hash = HashPassword(password), normalised }, cancellationToken: cancellationToken));
        }

        return LoginCheck.Ok;
    }

    /// <summary>The enabled user with this e-mail and their roles, or null.</summary>
    public async Task<DashboardUser?> FindActiveAsync(string email, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        var id = await connection.ExecuteScalarAsync<long?>(new CommandDefinition(
            "SELECT id FROM dashboard_users WHERE email = @email AND disabled_at IS NULL", new { email }, cancellationToken: cancellationToken));
        return id is { } found ? new DashboardUser(found, email, await RolesAsync(connection, found, cancellationToken)) : null;
    }

    /// <summary>
    /// The user single sign-on found for this e-mail, or created with these roles when there is none (null: disabled).
    /// An existing user keeps their roles. Two first sign-ins at once, on two instances, create one user.
    /// </summary>
    public async Task<(DashboardUser? User, bool Created)> FindOrCreateForSsoAsync(string email, IReadOnlyDictionary<long, DashboardRole> roles, CancellationToken cancellationToken)
    {
        var normalised = Normalise(email);
        var now = clock.GetUtcNow().ToUnixTimeMilliseconds();
        await using var connection = await database.OpenAsync(cancellationToken);
        await using var transaction = await Database.BeginWriteAsync(connection, cancellationToken);
        var created = await connection.ExecuteScalarAsync<long?>(new CommandDefinition(
            """
            INSERT INTO dashboard_users (email, created_at, updated_at) VALUES (@normalised, @now, @now)
            ON CONFLICT (email) DO NOTHING RETURNING id
            """, new { normalised, now }, transaction, cancellationToken: cancellationToken));
        if (created is { } id)
        {
            await WriteRolesAsync(connection, transaction, id, roles, cancellationToken);
        }

        var existing = await connection.QuerySingleAsync<Credentials>(new CommandDefinition(
            "SELECT id AS Id, disabled_at AS DisabledAt FROM dashboard_users WHERE email = @normalised", new { normalised }, transaction, cancellationToken: cancellationToken));
        var user = existing.DisabledAt is null ? new DashboardUser(existing.Id, normalised, await RolesAsync(connection, transaction, existing.Id, cancellationToken)) : null;
        await transaction.CommitAsync(cancellationToken);
        return (user, created is not null);
    }

    public async Task<IReadOnlyList<TeamMember>> ListAsync(CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow().ToUnixTimeMilliseconds();
        await using var connection = await database.OpenAsync(cancellationToken);
        var users = await connection.QueryAsync<UserRow>(new CommandDefinition(
            """
            SELECT u.id AS Id, u.email AS Email, u.password_hash AS Hash, u.disabled_at AS DisabledAt, u.created_at AS CreatedAt,
                   (SELECT MAX(i.expires_at) FROM dashboard_invitations i WHERE i.user_id = u.id AND i.used_at IS NULL AND i.expires_at > @now) AS InvitationExpiresAt,
                   (SELECT COUNT(*) FROM dashboard_totp t WHERE t.user_id = u.id AND t.confirmed_at IS NOT NULL)
                   + (SELECT COUNT(*) FROM dashboard_passkeys p WHERE p.user_id = u.id) AS SecondFactors
            FROM dashboard_users u ORDER BY u.email
            """, new { now }, cancellationToken: cancellationToken));
        var roles = (await connection.QueryAsync<RoleRow>(new CommandDefinition(
            "SELECT user_id AS UserId, environment_id AS EnvironmentId, role AS Role FROM dashboard_user_roles", cancellationToken: cancellationToken))).ToLookup(r => r.UserId);
        return users.Select(u => new TeamMember(u.Id, u.Email, u.Hash is not null, u.DisabledAt, u.CreatedAt,
            ToRoles(roles[u.Id].Select(r => (r.EnvironmentId, r.Role))), u.InvitationExpiresAt, u.SecondFactors > 0)).ToArray();
    }

    /// <summary>Creates an invited user (no password yet) with their roles; null when the e-mail is taken.</summary>
    public async Task<long?> InviteAsync(string email, IReadOnlyDictionary<long, DashboardRole> roles, CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow().ToUnixTimeMilliseconds();
        await using var connection = await database.OpenAsync(cancellationToken);
        await using var transaction = await Database.BeginWriteAsync(connection, cancellationToken);
        var id = await connection.ExecuteScalarAsync<long?>(new CommandDefinition(
            """
            INSERT INTO dashboard_users (email, created_at, updated_at) VALUES (@email, @now, @now)
            ON CONFLICT (email) DO NOTHING RETURNING id
            """, new { email = Normalise(email), now }, transaction, cancellationToken: cancellationToken));
        if (id is { } created)
        {
            await WriteRolesAsync(connection, transaction, created, roles, cancellationToken);
            await transaction.CommitAsync(cancellationToken);
        }

        return id;
    }

    public async Task SetRolesAsync(long userId, IReadOnlyDictionary<long, DashboardRole> roles, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        await using var transaction = await Database.BeginWriteAsync(connection, cancellationToken);
        await connection.ExecuteAsync(new CommandDefinition(
            "DELETE FROM dashboard_user_roles WHERE user_id = @userId", new { userId }, transaction, cancellationToken: cancellationToken));
        await WriteRolesAsync(connection, transaction, userId, roles, cancellationToken);
        await transaction.CommitAsync(cancellationToken);
    }

    /// <summary>Disables (ending every session of the user at once) or enables a user.</summary>
    public async Task SetDisabledAsync(TeamMember user, bool disabled, CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow().ToUnixTimeMilliseconds();
        await using var connection = await database.OpenAsync(cancellationToken);
        await using var transaction = await Database.BeginWriteAsync(connection, cancellationToken);
        await connection.ExecuteAsync(new CommandDefinition(
            "UPDATE dashboard_users SET disabled_at = @at, updated_at = @now WHERE id = @id",
            new { at = disabled ? now : (long?)null, now, id = user.Id }, transaction, cancellationToken: cancellationToken));
        if (disabled)
        {
            await DashboardSessions.EndAllAsync(connection, transaction, user.Email, cancellationToken);
        }

        await transaction.CommitAsync(cancellationToken);
    }

    /// <summary>Removes a user with their roles, invitations, second factors and sessions.</summary>
    public async Task RemoveAsync(TeamMember user, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        await using var transaction = await Database.BeginWriteAsync(connection, cancellationToken);
        var id = new { id = user.Id };
        await connection.ExecuteAsync(new CommandDefinition("DELETE FROM dashboard_user_roles WHERE user_id = @id", id, transaction, cancellationToken: cancellationToken));
        await connection.ExecuteAsync(new CommandDefinition("DELETE FROM dashboard_invitations WHERE user_id = @id", id, transaction, cancellationToken: cancellationToken));
        await MfaFactors.RemoveAllAsync(connection, transaction, user.Id, cancellationToken);
        await connection.ExecuteAsync(new CommandDefinition("DELETE FROM dashboard_users WHERE id = @id", id, transaction, cancellationToken: cancellationToken));
        await DashboardSessions.EndAllAsync(connection, transaction, user.Email, cancellationToken);
        await transaction.CommitAsync(cancellationToken);
    }

    private static async Task WriteRolesAsync(DbConnection connection, DbTransaction transaction, long userId, IReadOnlyDictionary<long, DashboardRole> roles, CancellationToken cancellationToken)
    {
        foreach (var (environmentId, role) in roles)
        {
            await connection.ExecuteAsync(new CommandDefinition(
                "INSERT INTO dashboard_user_roles (user_id, environment_id, role) VALUES (@userId, @environmentId, @role)",
                new { userId, environmentId, role = DashboardRights.Name(role) }, transaction, cancellationToken: cancellationToken));
        }
    }

    private static Task<IReadOnlyDictionary<long, DashboardRole>> RolesAsync(DbConnection connection, long userId, CancellationToken cancellationToken) =>
        RolesAsync(connection, null, userId, cancellationToken);

    private static async Task<IReadOnlyDictionary<long, DashboardRole>> RolesAsync(DbConnection connection, DbTransaction? transaction, long userId, CancellationToken cancellationToken) =>
        ToRoles((await connection.QueryAsync<RoleRow>(new CommandDefinition(
            "SELECT user_id AS UserId, environment_id AS EnvironmentId, role AS Role FROM dashboard_user_roles WHERE user_id = @userId", new { userId }, transaction, cancellationToken: cancellationToken)))
            .Select(r => (r.EnvironmentId, r.Role)));

    private static Dictionary<long, DashboardRole> ToRoles(IEnumerable<(long EnvironmentId, string Role)> rows) =>
        rows.Select(r => (r.EnvironmentId, Role: DashboardRights.Parse(r.Role)))
            .Where(r => r.Role is not null)
            .ToDictionary(r => r.EnvironmentId, r => r.Role!.Value);

    /// <summary>The hasher's type parameter; the default hasher reads nothing from it.</summary>
    private sealed record HashSubject;

    // Rows are init-only properties: Dapper converts SQLite's and PostgreSQL's integer types into them.
    private sealed record Credentials
    {
        public long Id { get; init; }

        public string? Hash { get; init; }

        public long? DisabledAt { get; init; }
    }

    private sealed record UserRow
    {
        public long Id { get; init; }

        public required string Email { get; init; }

        public string? Hash { get; init; }

        public long? DisabledAt { get; init; }

        public long CreatedAt { get; init; }

        public long? InvitationExpiresAt { get; init; }

        public long SecondFactors { get; init; }
    }

    private sealed record RoleRow
    {
        public long UserId { get; init; }

        public long EnvironmentId { get; init; }

        public required string Role { get; init; }
    }
}
