using System.Security.Cryptography;
using System.Text;
using Dapper;
using Latchkey.Server.Storage;
using Microsoft.AspNetCore.WebUtilities;

namespace Latchkey.Server.Dashboard.Mfa;

/// <summary>A login whose password was right, waiting for its second factor.</summary>
public sealed record MfaChallenge(string Id, string Email, string? ReturnUrl);

/// <summary>
/// The pending second step of a login, in the database so that any instance can finish it. The browser holds the id
/// (a short-lived cookie), the row its SHA-256. It lasts <see cref="Lifetime"/> and allows <see cref="MaxFailures"/>
/// wrong codes; after that the password must be typed again. No session exists until the second factor is right.
/// </summary>
public sealed class MfaChallenges(Database database, TimeProvider clock)
{
    public const string CookieName = "lk_dashboard_mfa";
    public const int MaxFailures = 5;
    public static readonly TimeSpan Lifetime = TimeSpan.FromMinutes(5);

    public async Task<string> StartAsync(string email, string? returnUrl, CancellationToken cancellationToken)
    {
        var id = WebEncoders.Base64UrlEncode(RandomNumberGenerator.GetBytes(32));
        var now = clock.GetUtcNow();
        await using var connection = await database.OpenAsync(cancellationToken);
        await connection.ExecuteAsync(new CommandDefinition(
            "DELETE FROM dashboard_mfa_challenges WHERE expires_at < @now", new { now = now.ToUnixTimeMilliseconds() }, cancellationToken: cancellationToken));
        await connection.ExecuteAsync(new CommandDefinition(
            "INSERT INTO dashboard_mfa_challenges (id_hash, email, return_url, expires_at, failures) VALUES (@hash, @email, @returnUrl, @expires, 0)",
            new { hash = Hash(id), email, returnUrl, expires = (now + Lifetime).ToUnixTimeMilliseconds() }, cancellationToken: cancellationToken));
        return id;
    }

    /// <summary>The live challenge with this id, or null (unknown, expired, or used up).</summary>
    public async Task<MfaChallenge?> FindAsync(string? id, CancellationToken cancellationToken)
    {
        if (id is not { Length: > 0 and <= 100 })
        {
            return null;
        }

        await using var connection = await database.OpenAsync(cancellationToken);
        var row = await connection.QuerySingleOrDefaultAsync<Row>(new CommandDefinition(
            "SELECT email AS Email, return_url AS ReturnUrl FROM dashboard_mfa_challenges WHERE id_hash = @hash AND expires_at >= @now AND failures < @max",
            new { hash = Hash(id), now = clock.GetUtcNow().ToUnixTimeMilliseconds(), max = MaxFailures }, cancellationToken: cancellationToken));
        return row is null ? null : new MfaChallenge(id, row.Email, row.ReturnUrl);
    }

    /// <summary>Counts a wrong code; true while the challenge allows another try.</summary>
    public async Task<bool> FailAsync(MfaChallenge challenge, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        await connection.ExecuteAsync(new CommandDefinition(
            "UPDATE dashboard_mfa_challenges SET failures = failures + 1 WHERE id_hash = @hash", new { hash = Hash(challenge.Id) }, cancellationToken: cancellationToken));
        return await FindAsync(challenge.Id, cancellationToken) is not null;
    }

    /// <summary>Uses the challenge up; false when another request already did.</summary>
    public async Task<bool> FinishAsync(MfaChallenge challenge, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        return await connection.ExecuteAsync(new CommandDefinition(
            "DELETE FROM dashboard_mfa_challenges WHERE id_hash = @hash", new { hash = Hash(challenge.Id) }, cancellationToken: cancellationToken)) == 1;
    }

    private static string Hash(string id) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(id)));

    private sealed record Row
    {
        public required string Email { get; init; }

        public string? ReturnUrl { get; init; }
    }
}
