using Dapper;
using Latchkey.Server.Storage;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace Latchkey.Server.Vault;

/// <summary>
/// <c>latchkey keys rotate</c> adds a new newest key; <c>latchkey keys rewrap</c> re-seals every stored value and
/// re-hashes every secret key with it, after which older keys may be retired. The server can keep running.
/// </summary>
public static class KeyCommands
{
    public static async Task<int> RunAsync(string[] args)
    {
        var configuration = new ConfigurationBuilder().AddEnvironmentVariables().AddCommandLine(args.Skip(1).ToArray()).Build();
        var vaultOptions = new VaultOptions();
        VaultFeature.Bind(vaultOptions, configuration);
        var storageOptions = new StorageOptions();
        StorageFeature.Bind(storageOptions, configuration);

        switch (args.FirstOrDefault())
        {
            case "rotate":
                Rotate(vaultOptions);
                return 0;
            case "rewrap":
                var count = await RewrapAsync(storageOptions, vaultOptions, CancellationToken.None);
                Console.WriteLine($"Re-sealed {count} values with the newest key.");
                return 0;
            default:
                Console.Error.WriteLine("Usage: Latchkey.Server keys rotate | keys rewrap");
                return 2;
        }
    }

    public static void Rotate(VaultOptions options)
    {
        var key = EncryptionKey.Generate();
        if (options.EncryptionKeys is not null)
        {
            Console.WriteLine("Your keys come from LATCHKEY_ENCRYPTION_KEY. Put this new key first, keep the old ones after it:");
            Console.WriteLine();
            Console.WriteLine($"    LATCHKEY_ENCRYPTION_KEY={key.ToBase64()},{options.EncryptionKeys}");
            Console.WriteLine();
            Console.WriteLine("Restart the servers with it, then run `keys rewrap`.");
            return;
        }

        var existing = File.Exists(options.KeyFilePath) ? KeyFile.Read(options.KeyFilePath) : [];
        KeyFile.Write(options.KeyFilePath, [key, .. existing]);
        Console.WriteLine($"Added key {key.Id} to {options.KeyFilePath}; new values are sealed with it after a restart. Run `keys rewrap` next.");
    }

    /// <summary>Re-seals every value not yet sealed with the current key. Returns how many values changed.</summary>
    public static async Task<int> RewrapAsync(StorageOptions storageOptions, VaultOptions vaultOptions, CancellationToken cancellationToken)
    {
        var ring = VaultFeature.LoadKeyRing(vaultOptions, NullLogger.Instance);
        var codec = new SecretCodec(ring);
        var hasher = new TokenHasher(ring);
        await using var database = new Database(Options.Create(storageOptions));
        await new SchemaMigrator(database, Options.Create(storageOptions), NullLogger<SchemaMigrator>.Instance).StartAsync(cancellationToken);

        var changed = 0;
        await using var connection = await database.OpenAsync(cancellationToken);
        await using var transaction = await Database.BeginWriteAsync(connection, cancellationToken);
        foreach (var column in SealedColumns.All)
        {
            var rows = await connection.QueryAsync<(long Id, long EnvironmentId, string Uid, string Sealed)>(new CommandDefinition(
                $"SELECT id, {column.EnvironmentIdColumn ?? "CAST(0 AS BIGINT)"}, uid, {column.Name} FROM {column.Table} WHERE {column.Name} IS NOT NULL AND {column.Name} <> ''",
                transaction: transaction, cancellationToken: cancellationToken));
            foreach (var row in rows.Where(r => !codec.IsSealedWithCurrentKey(r.Sealed)))
            {
                var field = new SealedField(column.Table, column.Name, row.EnvironmentId, row.Uid);
                var plaintext = codec.OpenBytes(row.Sealed, field);
                var resealed = codec.Seal(plaintext, field);
                // Only the secret key also has a lookup hash; other sealed columns of environments do not.
                var isSecretKey = column is { Table: "environments", Name: "secret_key_sealed" };
                var extra = isSecretKey ? ", secret_key_hash = @hash" : "";
                await connection.ExecuteAsync(new CommandDefinition(
                    $"UPDATE {column.Table} SET {column.Name} = @resealed{extra} WHERE id = @Id",
                    new { resealed, row.Id, hash = isSecretKey ? hasher.Hash(System.Text.Encoding.UTF8.GetString(plaintext)) : null },
                    transaction, cancellationToken: cancellationToken));
                changed++;
            }
        }

        await new KeyCheckStore(codec, ring, TimeProvider.System).KeepOnlyCurrentAsync(connection, transaction, cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return changed;
    }
}
