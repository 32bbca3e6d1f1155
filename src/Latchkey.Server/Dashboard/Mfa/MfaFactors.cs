using System.Data.Common;
using System.Security.Cryptography;
using System.Text;
using Dapper;
using Latchkey.Server.Storage;
using Latchkey.Server.Vault;
using Microsoft.AspNetCore.WebUtilities;

namespace Latchkey.Server.Dashboard.Mfa;

/// <summary>What second factors a user has: a confirmed authenticator app, unused recovery codes, passkeys.</summary>
public sealed record MfaStatus(bool Totp, int RecoveryCodesLeft, int Passkeys)
{
    public bool Any => Totp || Passkeys > 0;
}

/// <summary>
/// A user's authenticator app (TOTP) and recovery codes (passkeys: <see cref="PasskeyStore"/>). The TOTP secret is sealed by the vault, bound to its row; a
/// code is accepted once: the step it matched is stored, and a code of that step or an earlier one is refused after,
/// on every instance (the check and the write are one UPDATE). Recovery codes are 80-bit random values kept as SHA-256.
/// </summary>
public sealed class MfaFactors(Database database, SecretCodec codec, TimeProvider clock)
{
    public const int RecoveryCodeCount = 10;

    /// <summary>A new, unconfirmed secret for the user (replacing an earlier unconfirmed one); null when an app is already confirmed.</summary>
    public async Task<byte[]?> StartTotpAsync(long userId, CancellationToken cancellationToken)
    {
        var secret = TotpCode.NewSecret();
        var uid = WebEncoders.Base64UrlEncode(RandomNumberGenerator.GetBytes(16));
        var sealedSecret = codec.Seal(secret, Field(uid));
        await using var connection = await database.OpenAsync(cancellationToken);
        var written = await connection.ExecuteAsync(new CommandDefinition(
            """
            INSERT INTO dashboard_totp (uid, user_id, secret_sealed, created_at) VALUES (@uid, @userId, @sealedSecret, @now)
            ON CONFLICT (user_id) DO UPDATE SET uid = excluded.uid, secret_sealed = excluded.secret_sealed, created_at = excluded.created_at
            WHERE dashboard_totp.confirmed_at IS NULL
            """,
            new { uid, userId, sealedSecret, now = Now() }, cancellationToken: cancellationToken));
        return written == 1 ? secret : null;
    }

    /// <summary>The secret of an enrolment not confirmed yet, or null.</summary>
    public async Task<byte[]?> PendingTotpAsync(long userId, CancellationToken cancellationToken)
    {
        var row = await TotpRowAsync(userId, cancellationToken);
        return row is { ConfirmedAt: null } ? Open(row) : null;
    }

    /// <summary>Confirms the pending enrolment with a code from the app; the new recovery codes, or null when the code is wrong.</summary>
    public async Task<IReadOnlyList<string>?> ConfirmTotpAsync(long userId, string code, CancellationToken cancellationToken)
    {
        var row = await TotpRowAsync(userId, cancellationToken);
        if (row is not { ConfirmedAt: null } || TotpCode.MatchingStep(Open(row), TotpCode.Clean(code), clock.GetUtcNow()) is not { } step)
        {
            return null;
        }

        await using var connection = await database.OpenAsync(cancellationToken);
        var confirmed = await connection.ExecuteAsync(new CommandDefinition(
            "UPDATE dashboard_totp SET confirmed_at = @now, last_step = @step WHERE user_id = @userId AND uid = @Uid AND confirmed_at IS NULL",
            new { now = Now(), step, userId, row.Uid }, cancellationToken: cancellationToken));
        return confirmed == 1 ? await NewRecoveryCodesAsync(userId, cancellationToken) : null;
    }

    /// <summary>Whether the code is the app's for now (±1 step) and was not used before; using it uses it up.</summary>
    public async Task<bool> VerifyTotpAsync(long userId, string code, CancellationToken cancellationToken)
    {
        var row = await TotpRowAsync(userId, cancellationToken);
        if (row is not { ConfirmedAt: not null } || TotpCode.MatchingStep(Open(row), TotpCode.Clean(code), clock.GetUtcNow()) is not { } step)
        {
            return false;
        }

        await using var connection = await database.OpenAsync(cancellationToken);
        return await connection.ExecuteAsync(new CommandDefinition(
            "UPDATE dashboard_totp SET last_step = @step WHERE user_id = @userId AND confirmed_at IS NOT NULL AND (last_step IS NULL OR last_step < @step)",
            new { step, userId }, cancellationToken: cancellationToken)) == 1;
    }

    /// <summary>Uses up one recovery code; false when it is not one of the user's unused codes.</summary>
    public async Task<bool> UseRecoveryCodeAsync(long userId, string code, CancellationToken cancellationToken)
    {
        var normalised = TotpCode.Clean(code).ToLowerInvariant();
        if (normalised.Length != 16)
        {
            return false;
        }

        await using var connection = await database.OpenAsync(cancellationToken);
        return await connection.ExecuteAsync(new CommandDefinition(
            "UPDATE dashboard_recovery_codes SET used_at = @now WHERE code_hash = @hash AND user_id = @userId AND used_at IS NULL",
            new { now = Now(), hash = Hash(normalised), userId }, cancellationToken: cancellationToken)) == 1;
    }

    /// <summary>Ten new recovery codes, replacing the earlier ones; shown once, kept only as hashes.</summary>
    public async Task<IReadOnlyList<string>> NewRecoveryCodesAsync(long userId, CancellationToken cancellationToken)
    {
        var codes = Enumerable.Range(0, RecoveryCodeCount).Select(_ => NewRecoveryCode()).ToArray();
        await using var connection = await database.OpenAsync(cancellationToken);
        await using var transaction = await Database.BeginWriteAsync(connection, cancellationToken);
        await connection.ExecuteAsync(new CommandDefinition(
            "DELETE FROM dashboard_recovery_codes WHERE user_id = @userId", new { userId }, transaction, cancellationToken: cancellationToken));
        foreach (var code in codes)
        {
            await connection.ExecuteAsync(new CommandDefinition(
                "INSERT INTO dashboard_recovery_codes (code_hash, user_id, created_at) VALUES (@hash, @userId, @now)",
                new { hash = Hash(code.Replace("-", "", StringComparison.Ordinal)), userId, now = Now() }, transaction, cancellationToken: cancellationToken));
        }

        await transaction.CommitAsync(cancellationToken);
        return codes;
    }

    public async Task<MfaStatus> StatusAsync(long userId, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        var row = await connection.QuerySingleAsync<StatusRow>(new CommandDefinition(
            """
            SELECT (SELECT COUNT(*) FROM dashboard_totp WHERE user_id = @userId AND confirmed_at IS NOT NULL) AS Totp,
                   (SELECT COUNT(*) FROM dashboard_recovery_codes WHERE user_id = @userId AND used_at IS NULL) AS RecoveryCodes,
                   (SELECT COUNT(*) FROM dashboard_passkeys WHERE user_id = @userId) AS Passkeys
            """, new { userId }, cancellationToken: cancellationToken));
        return new MfaStatus(row.Totp > 0, (int)row.RecoveryCodes, (int)row.Passkeys);
    }

    /// <summary>Removes the authenticator app and the recovery codes.</summary>
    public async Task RemoveTotpAsync(long userId, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        await using var transaction = await Database.BeginWriteAsync(connection, cancellationToken);
        await RemoveTotpAsync(connection, transaction, userId, cancellationToken);
        await transaction.CommitAsync(cancellationToken);
    }

    /// <summary>An administrator's reset: every second factor of the user goes, so their next login needs only the password.</summary>
    public async Task ResetAsync(long userId, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        await using var transaction = await Database.BeginWriteAsync(connection, cancellationToken);
        await RemoveAllAsync(connection, transaction, userId, cancellationToken);
        await transaction.CommitAsync(cancellationToken);
    }

    /// <summary>Deletes every second factor of a user inside the caller's transaction (a reset, or the user's removal).</summary>
    internal static async Task RemoveAllAsync(DbConnection connection, DbTransaction transaction, long userId, CancellationToken cancellationToken)
    {
        await RemoveTotpAsync(connection, transaction, userId, cancellationToken);
        await connection.ExecuteAsync(new CommandDefinition("DELETE FROM dashboard_passkeys WHERE user_id = @userId", new { userId }, transaction, cancellationToken: cancellationToken));
    }

    private static async Task RemoveTotpAsync(DbConnection connection, DbTransaction transaction, long userId, CancellationToken cancellationToken)
    {
        await connection.ExecuteAsync(new CommandDefinition("DELETE FROM dashboard_totp WHERE user_id = @userId", new { userId }, transaction, cancellationToken: cancellationToken));
        await connection.ExecuteAsync(new CommandDefinition("DELETE FROM dashboard_recovery_codes WHERE user_id = @userId", new { userId }, transaction, cancellationToken: cancellationToken));
    }

    private async Task<TotpRow?> TotpRowAsync(long userId, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        return await connection.QuerySingleOrDefaultAsync<TotpRow>(new CommandDefinition(
            "SELECT uid AS Uid, secret_sealed AS Sealed, confirmed_at AS ConfirmedAt FROM dashboard_totp WHERE user_id = @userId",
            new { userId }, cancellationToken: cancellationToken));
    }

    private byte[] Open(TotpRow row) => codec.OpenBytes(row.Sealed, Field(row.Uid));

    private static SealedField Field(string uid) => new("dashboard_totp", "secret_sealed", 0, uid);

    private long Now() => clock.GetUtcNow().ToUnixTimeMilliseconds();

    /// <summary>xxxx-xxxx-xxxx-xxxx in lower-case base32: 80 random bits, easy to read out and type.</summary>
    private static string NewRecoveryCode()
    {
        var text = TotpCode.Base32(RandomNumberGenerator.GetBytes(10)).ToLowerInvariant();
        return string.Join('-', text.Chunk(4).Select(chunk => new string(chunk)));
    }

    private static string Hash(string normalisedCode) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(normalisedCode)));

    private sealed record TotpRow
    {
        public required string Uid { get; init; }

        public required string Sealed { get; init; }

        public long? ConfirmedAt { get; init; }
    }

    private sealed record StatusRow
    {
        public long Totp { get; init; }

        public long RecoveryCodes { get; init; }

        public long Passkeys { get; init; }
    }
}
