using System.Net;
using Dapper;
using Latchkey.Server.Environments;
using Latchkey.Server.Storage;
using Latchkey.Server.Vault;

namespace Latchkey.Server.Tests.Storage;

public sealed class StartupLockTests
{
    [Fact]
    public async Task TwoServers_StartingTogetherOnAnEmptyDatabase_CreateOneAccountTwoEnvironmentsAndOneAdmin()
    {
        Assert.SkipUnless(TestDatabases.UsesPostgres, "Instances share a database on PostgreSQL only (set LATCHKEY_TEST_POSTGRES).");
        var databaseHome = Directory.CreateTempSubdirectory("latchkey-startup-").FullName;
        var shared = new Dictionary<string, string?>
        {
            [TestDatabases.DatabaseUrlSetting] = await TestDatabases.ForAsync(databaseHome),
            ["LATCHKEY_ENCRYPTION_KEY"] = EncryptionKey.Generate().ToBase64(),
            ["LATCHKEY_SECRET_KEY_DEV"] = KeyFormats.NewSecretKey(),
            ["LATCHKEY_SECRET_KEY_PROD"] = KeyFormats.NewSecretKey(),
        };

        var servers = await Task.WhenAll(Server.StartAsync(shared), Server.StartAsync(shared));
        try
        {
            foreach (var server in servers)
            {
                Assert.Equal(HttpStatusCode.OK, (await server.Http.GetAsync("/health", Server.Cancellation)).StatusCode);
                Assert.Equal(HttpStatusCode.OK, (await server.Backend.GetAsync("/environment", Server.Cancellation)).StatusCode);
            }

            await using var connection = await servers[0].Services.GetRequiredService<Database>().OpenAsync(Server.Cancellation);
            Assert.Equal(1, await connection.ExecuteScalarAsync<long>("SELECT COUNT(*) FROM accounts"));
            Assert.Equal(["dev", "prod"], await connection.QueryAsync<string>("SELECT name FROM environments ORDER BY name"));
            Assert.Equal(1, await connection.ExecuteScalarAsync<long>("SELECT COUNT(*) FROM dashboard_users"));
            Assert.Equal(1, await connection.ExecuteScalarAsync<long>("SELECT COUNT(*) FROM data_protection_keys"));
        }
        finally
        {
            foreach (var server in servers)
            {
                await server.DisposeAsync();
            }

            await TestDatabases.DropAsync(databaseHome);
            Directory.Delete(databaseHome, recursive: true);
        }
    }
}
