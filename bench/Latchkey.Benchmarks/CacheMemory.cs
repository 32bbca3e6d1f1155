using Latchkey.Server.Connections;
using Latchkey.Server.Storage;
using Latchkey.Server.Vault;
using Microsoft.Extensions.Options;

namespace Latchkey.Benchmarks;

/// <summary>
/// <c>--cache-memory</c>: the memory one cached connection row costs, measured as the load benchmark's rows look (an
/// OAuth 2 connection with access and refresh token and the raw token response, end user tags), by filling a
/// <see cref="ConnectionCache"/> with 100,000 rows read as the database hands them over (every string its own) and
/// comparing the managed heap after a full collection.
/// </summary>
public static class CacheMemory
{
    private const int Rows = 100_000;

    public static void Run()
    {
        var secrets = new ConnectionSecrets(new SecretCodec(new KeyRing([EncryptionKey.Generate()], "benchmark")));
        var cache = new ConnectionCache(Options.Create(new StorageOptions { ConnectionCacheSize = Rows * 2 }));
        var before = GC.GetTotalMemory(forceFullCollection: true);
        for (var i = 0; i < Rows; i++)
        {
            cache.Keep(Row(secrets, i), cache.Before());
        }

        var after = GC.GetTotalMemory(forceFullCollection: true);
        Console.WriteLine($"{Rows:N0} cached rows: {(after - before) / 1024.0 / 1024.0:0.0} MiB, {(after - before) / (double)Rows:0} bytes per row");
        GC.KeepAlive(cache);
    }

    // Fresh strings per row, like a database read (nothing interned).
    private static StoredConnection Row(ConnectionSecrets secrets, int i)
    {
        var uid = Guid.NewGuid().ToString();
        var token = $"gho_{Guid.NewGuid():N}";
        var credentials = $$$"""{"type":"OAUTH2","access_token":"{{{token}}}","refresh_token":"ghr_{{{Guid.NewGuid():N}}}{{{Guid.NewGuid():N}}}","expires_at":"2099-11-23T21:00:00.000Z","raw":{"access_token":"{{{token}}}","token_type":"bearer","scope":"repo,user","expires_in":28800}}""";
        return new StoredConnection
        {
            Id = i, Uid = uid, EnvironmentId = 1, IntegrationId = 1, ConnectionId = $"conn-{i}", IntegrationKey = new string("github"),
            Provider = new string("github"), CredentialsSealed = secrets.Seal(credentials, 1, uid), ConnectionConfig = new string("{}"),
            Tags = $$"""{"plan":"{{(i % 3 == 0 ? "pro" : "free")}}"}""", CreatedAt = 1_795_000_000_000, UpdatedAt = 1_795_000_000_000,
        };
    }
}
