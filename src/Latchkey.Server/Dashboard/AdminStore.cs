using Dapper;
using Latchkey.Server.Storage;
using Microsoft.AspNetCore.Identity;

namespace Latchkey.Server.Dashboard;

/// <summary>A dashboard administrator (the hasher's type parameter; it carries nothing secret).</summary>
public sealed record Admin(string Email);

/// <summary>Dashboard administrators. Passwords are hashed with ASP.NET Core Identity's <see cref="PasswordHasher{TUser}"/>.</summary>
public sealed class AdminStore(Database database, TimeProvider clock)
{
    private readonly PasswordHasher<Admin> _hasher = new();

    private static readonly Lazy<string> DummyHash = new(() => new PasswordHasher<Admin>().HashPassword(new Admin(""), Guid.NewGuid().ToString()));

    public async Task<bool> AnyAsync(CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        return await connection.ExecuteScalarAsync<long>(new CommandDefinition("SELECT COUNT(*) FROM dashboard_admins", cancellationToken: cancellationToken)) > 0;
    }

    /// <summary>
    /// Creates the admin or sets its password. A different password ends every dashboard session of the admin, in the
    /// same transaction; the same password (applied again at each start from LATCHKEY_ADMIN_PASSWORD) changes nothing.
    /// </summary>
    public async Task SetAsync(string email, string password, CancellationToken cancellationToken)
    {
        var normalised = email.Trim().ToLowerInvariant();
        var admin = new Admin(normalised);
        var now = clock.GetUtcNow().ToUnixTimeMilliseconds();
        await using var connection = await database.OpenAsync(cancellationToken);
        await using var transaction = await Database.BeginWriteAsync(connection, cancellationToken);
        var current = await connection.ExecuteScalarAsync<string?>(new CommandDefinition(
            "SELECT password_hash FROM dashboard_admins WHERE email = @normalised", new { normalised }, transaction, cancellationToken: cancellationToken));
        var same = current is null ? PasswordVerificationResult.Failed : _hasher.VerifyHashedPassword(admin, current, password);
        if (same == PasswordVerificationResult.Success)
        {
            return;
        }

        var hash = _hasher.HashPassword(admin, password);
        await connection.ExecuteAsync(new CommandDefinition(
            """
            INSERT INTO dashboard_admins (email, password_hash, created_at, updated_at) VALUES (@normalised, @hash, @now, @now)
            ON CONFLICT (email) DO UPDATE SET password_hash = excluded.password_hash, updated_at = excluded.updated_at
            """,
            new { normalised, hash, now }, transaction, cancellationToken: cancellationToken));
        if (same == PasswordVerificationResult.Failed)
        {
            await DashboardSessions.EndAllAsync(connection, transaction, normalised, cancellationToken);
        }

        await transaction.CommitAsync(cancellationToken);
    }

    /// <summary>The admin's e-mail when the password matches, else null. Unknown e-mails cost a hash too.</summary>
    public async Task<string?> VerifyAsync(string email, string password, CancellationToken cancellationToken)
    {
        var normalised = email.Trim().ToLowerInvariant();
        await using var connection = await database.OpenAsync(cancellationToken);
        var hash = await connection.ExecuteScalarAsync<string?>(new CommandDefinition(
            "SELECT password_hash FROM dashboard_admins WHERE email = @normalised", new { normalised }, cancellationToken: cancellationToken));
        var admin = new Admin(normalised);
        if (hash is null)
        {
            // The same work as a real check, so the answer's timing does not tell which e-mails exist.
            _hasher.VerifyHashedPassword(admin, DummyHash.Value, password);
            return null;
        }

        var result = _hasher.VerifyHashedPassword(admin, hash, password);
        if (result == PasswordVerificationResult.SuccessRehashNeeded)
        {
            await SetAsync(normalised, password, cancellationToken);
        }

        return result == PasswordVerificationResult.Failed ? null : normalised;
    }
}
