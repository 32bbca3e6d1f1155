using System.Data.Common;
using Dapper;

namespace Latchkey.Server.Vault;

/// <summary>
/// Owns <c>vault_key_checks</c>: for every encryption key that seals values in this database, a fixed text sealed
/// with that very key. The current key's row is written at each start, before anything is sealed with it, so the
/// table names every key the database's values may need; <c>keys rewrap</c> leaves only the current key's row.
/// </summary>
public sealed class KeyCheckStore(SecretCodec codec, KeyRing ring, TimeProvider clock)
{
    private const string Table = "vault_key_checks";
    private static readonly byte[] CheckText = "latchkey key check v1"u8.ToArray();

    /// <summary>The key ids the database records as needed.</summary>
    public async Task<IReadOnlyList<(string KeyId, string CheckSealed)>> RecordedAsync(DbConnection connection, CancellationToken cancellationToken) =>
        [.. await connection.QueryAsync<(string, string)>(new CommandDefinition(
            "SELECT key_id, check_sealed FROM vault_key_checks ORDER BY id", cancellationToken: cancellationToken))];

    /// <summary>True when the ring has the key and that key opens its check value.</summary>
    public bool Opens(string keyId, string checkSealed)
    {
        if (!ring.TryFind(keyId, out _) || !checkSealed.StartsWith($"lk1.{keyId}.", StringComparison.Ordinal))
        {
            return false;
        }

        try
        {
            return codec.OpenBytes(checkSealed, Field(keyId)).AsSpan().SequenceEqual(CheckText);
        }
        catch (VaultException)
        {
            return false;
        }
    }

    /// <summary>
    /// For a database sealed before check values existed: the ids of the keys its sealed values name. A full read of
    /// the sealed columns, done once, at the first start after the upgrade (ids are 8 characters after <c>lk1.</c>).
    /// </summary>
    public static async Task<IReadOnlyList<string>> KeyIdsInUseAsync(DbConnection connection, CancellationToken cancellationToken)
    {
        var ids = new SortedSet<string>(StringComparer.Ordinal);
        foreach (var column in SealedColumns.All)
        {
            ids.UnionWith(await connection.QueryAsync<string>(new CommandDefinition(
                $"SELECT DISTINCT substr({column.Name}, 5, 8) FROM {column.Table} WHERE {column.Name} IS NOT NULL AND {column.Name} <> ''",
                cancellationToken: cancellationToken)));
        }

        return [.. ids];
    }

    /// <summary>Records a key of the ring as needed by this database, once (another instance may record it at the same time).</summary>
    public async Task RecordAsync(DbConnection connection, DbTransaction? transaction, EncryptionKey key, CancellationToken cancellationToken) =>
        await connection.ExecuteAsync(new CommandDefinition(
            "INSERT INTO vault_key_checks (key_id, check_sealed, created_at) VALUES (@keyId, @checkSealed, @now) ON CONFLICT (key_id) DO NOTHING",
            new { keyId = key.Id, checkSealed = codec.SealWith(key, CheckText, Field(key.Id)), now = clock.GetUtcNow().ToUnixTimeMilliseconds() },
            transaction, cancellationToken: cancellationToken));

    /// <summary>After a rewrap every value is sealed with the current key: the other keys are no longer needed.</summary>
    public async Task KeepOnlyCurrentAsync(DbConnection connection, DbTransaction transaction, CancellationToken cancellationToken)
    {
        await connection.ExecuteAsync(new CommandDefinition(
            "DELETE FROM vault_key_checks WHERE key_id <> @current", new { current = ring.Current.Id }, transaction, cancellationToken: cancellationToken));
        await RecordAsync(connection, transaction, ring.Current, cancellationToken);
    }

    private static SealedField Field(string keyId) => new(Table, "check_sealed", 0, keyId);
}
