using System.Net;
using System.Text;
using Dapper;
using Latchkey.Server.Storage;
using Latchkey.Server.Vault;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Options;

namespace Latchkey.Server.Tests.Vault;

public sealed class VaultAtRestTests
{
    [Fact]
    public async Task DatabaseFiles_AfterSavingConnections_HoldNoSecretInClear()
    {
        await using var app = await Server.StartOnSqliteAsync();
        await app.CreateIntegrationAsync("fake-apikey");
        await app.CreateIntegrationAsync("fake-oauth2", credentials: new { type = "OAUTH2", client_id = "cid-visible", client_secret = "client-secret-must-hide-8842", scopes = "read" });
        var token = await app.CreateSessionTokenAsync();
        await app.ConnectApiKeyAsync("fake-apikey", token);
        await app.CreateIntegrationAsync("fake-basic");
        var basic = await app.Http.PostAsJsonAsync($"/api-auth/basic/fake-basic?connect_session_token={token}",
            new { username = FakeProvider.GoodUsername, password = FakeProvider.GoodPassword }, Server.Cancellation);
        Assert.Equal(HttpStatusCode.OK, basic.StatusCode);
        await app.StopAsync();
        SqliteConnection.ClearAllPools();

        var bytes = Directory.GetFiles(app.DataDirectory, "latchkey.db*").SelectMany(File.ReadAllBytes).ToArray();
        var text = Encoding.UTF8.GetString(bytes);

        Assert.True(bytes.Length > 0);
        foreach (var secret in new[] { FakeProvider.GoodApiKey, FakeProvider.GoodPassword, "client-secret-must-hide-8842", app.SecretKey, app.ProdSecretKey, token })
        {
            Assert.DoesNotContain(secret, text, StringComparison.Ordinal);
        }

        Assert.Contains("cid-visible", text, StringComparison.Ordinal); // the check can see what is stored in clear
    }

    [Fact]
    public async Task CredentialsMovedToAnotherRow_FailToOpen()
    {
        await using var app = await Server.StartOnSqliteAsync();
        await app.CreateIntegrationAsync("fake-apikey");
        var token = await app.CreateSessionTokenAsync();
        var first = await app.ConnectApiKeyAsync("fake-apikey", token);
        var second = await app.ConnectApiKeyAsync("fake-apikey", token);

        await using (var connection = new SqliteConnection($"Data Source={Path.Combine(app.DataDirectory, "latchkey.db")}"))
        {
            await connection.ExecuteAsync(
                "UPDATE connections SET credentials_sealed = (SELECT credentials_sealed FROM connections WHERE connection_id = @first) WHERE connection_id = @second",
                new { first, second });
        }

        var intact = await app.Backend.GetAsync($"/connections/{first}?provider_config_key=fake-apikey", Server.Cancellation);
        var moved = await app.Backend.GetAsync($"/connections/{second}?provider_config_key=fake-apikey", Server.Cancellation);

        Assert.Equal(HttpStatusCode.OK, intact.StatusCode);
        Assert.Equal(HttpStatusCode.InternalServerError, moved.StatusCode);
        Assert.Equal("generic_error_support", await moved.ErrorCodeAsync());
        Assert.DoesNotContain(FakeProvider.GoodApiKey, await moved.Content.ReadAsStringAsync(Server.Cancellation), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Rotation_ThenRewrap_LosesNothing_AndRetiresTheOldKey()
    {
        var dataDirectory = Directory.CreateTempSubdirectory("latchkey-rotation-").FullName;
        var oldKey = EncryptionKey.Generate();
        var newKey = EncryptionKey.Generate();
        string connectionId;
        string secretKey;
        await using (var app = await Server.StartOnSqliteAsync(new Dictionary<string, string?> { ["LATCHKEY_ENCRYPTION_KEY"] = oldKey.ToBase64() }, dataDirectory: dataDirectory))
        {
            await app.CreateIntegrationAsync("fake-oauth2", credentials: new { type = "OAUTH2", client_id = "cid", client_secret = "csecret-rotated", scopes = "read" });
            await app.CreateIntegrationAsync("fake-apikey");
            connectionId = await app.ConnectApiKeyAsync("fake-apikey", await app.CreateSessionTokenAsync());
            secretKey = app.SecretKey;
            await app.StopAsync();
        }

        var storage = new StorageOptions { DataDirectory = dataDirectory };
        var changed = await KeyCommands.RewrapAsync(storage, new VaultOptions { EncryptionKeys = $"{newKey.ToBase64()},{oldKey.ToBase64()}" }, Server.Cancellation);
        Assert.True(changed >= 4, $"expected at least the two secret keys, the client secret and the credentials to change, got {changed}");
        Assert.Equal(0, await KeyCommands.RewrapAsync(storage, new VaultOptions { EncryptionKeys = $"{newKey.ToBase64()},{oldKey.ToBase64()}" }, Server.Cancellation));

        // Only the new key from here on: every value must still open, and the secret key must still authenticate.
        await using var restarted = await Server.StartOnSqliteAsync(
            new Dictionary<string, string?> { ["LATCHKEY_ENCRYPTION_KEY"] = newKey.ToBase64(), ["LATCHKEY_SECRET_KEY_DEV"] = secretKey },
            dataDirectory: dataDirectory);
        var connection = await restarted.Backend.GetAsync($"/connections/{connectionId}?provider_config_key=fake-apikey", Server.Cancellation);
        var integration = await restarted.Backend.GetAsync("/integrations/fake-oauth2?include=credentials", Server.Cancellation);

        Assert.Equal(HttpStatusCode.OK, connection.StatusCode);
        Assert.Equal(FakeProvider.GoodApiKey, (await connection.JsonAsync())["credentials"]!["apiKey"]!.GetValue<string>());
        Assert.Equal("csecret-rotated", (await integration.JsonAsync())["data"]!["credentials"]!["client_secret"]!.GetValue<string>());
        await using var database = new Database(Options.Create(storage));
        await using var db = await database.OpenAsync(Server.Cancellation);
        var sealedValues = await db.QueryAsync<string>("SELECT credentials_sealed FROM connections UNION ALL SELECT secret_key_sealed FROM environments");
        Assert.All(sealedValues, value => Assert.Contains($".{newKey.Id}.", value, StringComparison.Ordinal));
    }

    [Fact]
    public async Task Restart_WithTheGeneratedKeyFile_OpensEverythingSavedBefore()
    {
        var dataDirectory = Directory.CreateTempSubdirectory("latchkey-restart-").FullName;
        string connectionId;
        string secretKey;
        await using (var first = await Server.StartOnSqliteAsync(dataDirectory: dataDirectory))
        {
            await first.CreateIntegrationAsync("fake-apikey");
            connectionId = await first.ConnectApiKeyAsync("fake-apikey", await first.CreateSessionTokenAsync());
            secretKey = first.SecretKey;
        }

        await using (var second = await Server.StartOnSqliteAsync(new Dictionary<string, string?> { ["LATCHKEY_SECRET_KEY_DEV"] = secretKey }, dataDirectory: dataDirectory))
        {
            var read = await second.Backend.GetAsync($"/connections/{connectionId}?provider_config_key=fake-apikey", Server.Cancellation);

            Assert.Equal(FakeProvider.GoodApiKey, (await read.JsonAsync())["credentials"]!["apiKey"]!.GetValue<string>());
        }

        // Only once the second server has stopped: it keeps writing its database files (fetch stamps) while it runs.
        Directory.Delete(dataDirectory, recursive: true);
    }

    [Fact]
    [System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
    public async Task GeneratedKeyFile_IsOwnerOnly()
    {
        await using var app = await Server.StartOnSqliteAsync();

        var mode = File.GetUnixFileMode(Path.Combine(app.DataDirectory, "encryption.key"));

        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, mode);
    }
}
