using System.Data.Common;
using Dapper;
using Latchkey.Server.Hosting;
using Latchkey.Server.Storage;
using Microsoft.Extensions.Options;

namespace Latchkey.Server.Vault;

/// <summary>
/// Refuses to start when the encryption keys do not open what the database holds. Without this check a server with
/// the wrong key would run: it would seal new values (its first-start secret keys among them) under its own key and
/// fail on every credential sealed before, and on a shared PostgreSQL each instance with a key file of its own
/// would write values the others cannot read. Every key the database records in <c>vault_key_checks</c> must be in the
/// ring and open its check value, and the newest value of each sealed column is tried, a few rows at most.
/// </summary>
public sealed class EncryptionKeyCheck(
    Database database,
    SecretCodec codec,
    KeyRing ring,
    KeyCheckStore checks,
    IOptions<VaultOptions> options,
    ILogger<EncryptionKeyCheck> logger) : IHostedService
{
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        var fromKeyFile = options.Value.EncryptionKeys is null;
        await using var connection = await database.OpenAsync(cancellationToken);
        var (unopened, unrecorded) = await CheckAsync(connection, cancellationToken);
        if (unopened.Count > 0)
        {
            var refusal = Refusal(fromKeyFile, string.Join(", ", unopened), options.Value.KeyFilePath);
            logger.LogCritical("{Refusal}", refusal);
            throw new StartupRefusalException(refusal);
        }

        // The current key seals everything this process writes: the database records it before the first value.
        foreach (var keyId in unrecorded)
        {
            ring.TryFind(keyId, out var key);
            await checks.RecordAsync(connection, transaction: null, key, cancellationToken);
        }

        if (fromKeyFile && database.Dialect == SqlDialect.Postgres)
        {
            logger.LogWarning(
                "Running on PostgreSQL with the key file {Path}: set LATCHKEY_ENCRYPTION_KEY to its key on every instance, as an instance with another key refuses to start.",
                Path.GetFullPath(options.Value.KeyFilePath));
        }
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    /// <summary>The one sentence that says what is wrong and what to do.</summary>
    public static string Refusal(bool fromKeyFile, string keyIds, string keyFilePath) => fromKeyFile
        ? $"Latchkey will not start: the database holds values sealed with encryption key {keyIds}, which the key file {Path.GetFullPath(keyFilePath)} " +
          "does not have; set LATCHKEY_ENCRYPTION_KEY (on every instance) to the key the database was sealed with, " +
          "found in encryption.key in the data folder of the server that first used this database."
        : $"Latchkey will not start: LATCHKEY_ENCRYPTION_KEY does not open the values the database holds (sealed with encryption key {keyIds}); " +
          "set it (on every instance) to the key or keys the database was sealed with, newest first.";

    /// <summary>
    /// The ids of the keys the database needs that the ring lacks or that do not open their check value (ids are not
    /// secret), and the ids of the ring's keys to record: the current one, and for a database from before check values
    /// the keys its sealed values name (read once). The newest value of each sealed column is tried as well, which
    /// also finds a damaged value.
    /// </summary>
    private async Task<(IReadOnlyList<string> Unopened, IReadOnlyList<string> Unrecorded)> CheckAsync(DbConnection connection, CancellationToken cancellationToken)
    {
        var recorded = await checks.RecordedAsync(connection, cancellationToken);
        IReadOnlyList<string> inUse = recorded.Count > 0 ? [] : [.. await KeyCheckStore.KeyIdsInUseAsync(connection, cancellationToken)];
        var unopened = new SortedSet<string>(
            recorded.Count > 0
                ? recorded.Where(row => !checks.Opens(row.KeyId, row.CheckSealed)).Select(row => row.KeyId)
                : inUse.Where(id => !ring.TryFind(id, out _)),
            StringComparer.Ordinal);
        unopened.UnionWith(await NewestValuesUnopenedAsync(connection, cancellationToken));
        var unrecorded = inUse.Append(ring.Current.Id).Except(recorded.Select(row => row.KeyId), StringComparer.Ordinal)
            .Where(id => !unopened.Contains(id)).Distinct(StringComparer.Ordinal).ToList();
        return ([.. unopened], unrecorded);
    }

    private async Task<IReadOnlyList<string>> NewestValuesUnopenedAsync(DbConnection connection, CancellationToken cancellationToken)
    {
        var failed = new SortedSet<string>(StringComparer.Ordinal);
        foreach (var column in SealedColumns.All)
        {
            var newest = await connection.QueryAsync<(long EnvironmentId, string Uid, string Sealed)>(new CommandDefinition(
                $"""
                SELECT {column.EnvironmentIdColumn ?? "CAST(0 AS BIGINT)"}, uid, {column.Name} FROM {column.Table}
                WHERE {column.Name} IS NOT NULL AND {column.Name} <> '' ORDER BY id DESC LIMIT 1
                """,
                cancellationToken: cancellationToken));
            foreach (var value in newest)
            {
                try
                {
                    codec.OpenBytes(value.Sealed, new SealedField(column.Table, column.Name, value.EnvironmentId, value.Uid));
                }
                catch (VaultException)
                {
                    failed.Add(value.Sealed.Split('.') is [_, var keyId, _] ? keyId : "(unknown format)");
                }
            }
        }

        return [.. failed];
    }
}
