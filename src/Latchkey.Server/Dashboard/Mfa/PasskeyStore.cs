using System.Security.Cryptography;
using System.Text;
using Dapper;
using Latchkey.Server.Storage;
using Microsoft.AspNetCore.WebUtilities;

namespace Latchkey.Server.Dashboard.Mfa;

/// <summary>A user's passkey as stored: what verifying its next signature needs.</summary>
public sealed record StoredPasskey(long Id, byte[] CredentialId, long UserId, byte[] PublicKey, uint SignCount, string Name, long CreatedAt, long? LastUsedAt);

/// <summary>
/// Passkeys (credential id, public key, signature counter) and the WebAuthn ceremonies in progress. A ceremony's
/// options are claimed once by a DELETE … RETURNING, so a challenge cannot be answered twice, on any instance.
/// </summary>
public sealed class PasskeyStore(Database database, TimeProvider clock)
{
    public static readonly TimeSpan CeremonyLifetime = TimeSpan.FromMinutes(5);

    public async Task<IReadOnlyList<StoredPasskey>> ListAsync(long userId, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        return (await connection.QueryAsync<Row>(new CommandDefinition(Select + " WHERE user_id = @userId ORDER BY id", new { userId }, cancellationToken: cancellationToken)))
            .Select(ToPasskey).ToArray();
    }

    public async Task<StoredPasskey?> FindAsync(byte[] credentialId, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        var row = await connection.QuerySingleOrDefaultAsync<Row>(new CommandDefinition(
            Select + " WHERE credential_id = @id", new { id = WebEncoders.Base64UrlEncode(credentialId) }, cancellationToken: cancellationToken));
        return row is null ? null : ToPasskey(row);
    }

    /// <summary>Saves a new passkey; false when its credential id is already registered.</summary>
    public async Task<bool> AddAsync(long userId, byte[] credentialId, byte[] publicKey, uint signCount, string name, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        return await connection.ExecuteAsync(new CommandDefinition(
            """
            INSERT INTO dashboard_passkeys (credential_id, user_id, public_key, sign_count, name, created_at)
            VALUES (@credentialId, @userId, @publicKey, @signCount, @name, @now) ON CONFLICT (credential_id) DO NOTHING
            """,
            new
            {
                credentialId = WebEncoders.Base64UrlEncode(credentialId), userId, publicKey = WebEncoders.Base64UrlEncode(publicKey), signCount = (long)signCount, name,
                now = clock.GetUtcNow().ToUnixTimeMilliseconds(),
            }, cancellationToken: cancellationToken)) == 1;
    }

    public async Task UsedAsync(long id, uint signCount, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        await connection.ExecuteAsync(new CommandDefinition(
            "UPDATE dashboard_passkeys SET sign_count = @signCount, last_used_at = @now WHERE id = @id",
            new { id, signCount = (long)signCount, now = clock.GetUtcNow().ToUnixTimeMilliseconds() }, cancellationToken: cancellationToken));
    }

    /// <summary>Removes one of the user's passkeys; its name, or null when the user has no such passkey.</summary>
    public async Task<string?> RemoveAsync(long userId, long id, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        return await connection.ExecuteScalarAsync<string?>(new CommandDefinition(
            "DELETE FROM dashboard_passkeys WHERE id = @id AND user_id = @userId RETURNING name", new { id, userId }, cancellationToken: cancellationToken));
    }

    /// <summary>Keeps a ceremony's options; the id goes to the browser, the row holds its SHA-256.</summary>
    public async Task<string> StartCeremonyAsync(long? userId, string optionsJson, CancellationToken cancellationToken)
    {
        var id = WebEncoders.Base64UrlEncode(RandomNumberGenerator.GetBytes(32));
        var now = clock.GetUtcNow();
        await using var connection = await database.OpenAsync(cancellationToken);
        await connection.ExecuteAsync(new CommandDefinition(
            "DELETE FROM dashboard_webauthn_ceremonies WHERE expires_at < @now", new { now = now.ToUnixTimeMilliseconds() }, cancellationToken: cancellationToken));
        await connection.ExecuteAsync(new CommandDefinition(
            "INSERT INTO dashboard_webauthn_ceremonies (id_hash, user_id, options_json, expires_at) VALUES (@hash, @userId, @optionsJson, @expires)",
            new { hash = Hash(id), userId, optionsJson, expires = (now + CeremonyLifetime).ToUnixTimeMilliseconds() }, cancellationToken: cancellationToken));
        return id;
    }

    /// <summary>Claims a live ceremony of this user (null: one without a user, a passwordless sign-in); its options, or null.</summary>
    public async Task<string?> ClaimCeremonyAsync(string? id, long? userId, CancellationToken cancellationToken)
    {
        if (id is not { Length: > 0 and <= 100 })
        {
            return null;
        }

        await using var connection = await database.OpenAsync(cancellationToken);
        return await connection.ExecuteScalarAsync<string?>(new CommandDefinition(
            """
            DELETE FROM dashboard_webauthn_ceremonies WHERE id_hash = @hash AND expires_at >= @now
              AND ((@userId IS NULL AND user_id IS NULL) OR user_id = @userId)
            RETURNING options_json
            """,
            new { hash = Hash(id), now = clock.GetUtcNow().ToUnixTimeMilliseconds(), userId }, cancellationToken: cancellationToken));
    }

    private const string Select =
        "SELECT id AS Id, credential_id AS CredentialId, user_id AS UserId, public_key AS PublicKey, sign_count AS SignCount, name AS Name, created_at AS CreatedAt, last_used_at AS LastUsedAt FROM dashboard_passkeys";

    private static StoredPasskey ToPasskey(Row row) => new(row.Id, WebEncoders.Base64UrlDecode(row.CredentialId), row.UserId, WebEncoders.Base64UrlDecode(row.PublicKey),
        (uint)row.SignCount, row.Name, row.CreatedAt, row.LastUsedAt);

    private static string Hash(string id) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(id)));

    private sealed record Row
    {
        public long Id { get; init; }

        public required string CredentialId { get; init; }

        public long UserId { get; init; }

        public required string PublicKey { get; init; }

        public long SignCount { get; init; }

        public required string Name { get; init; }

        public long CreatedAt { get; init; }

        public long? LastUsedAt { get; init; }
    }
}
