using System.Net;
using Latchkey.Server.Environments;
using Latchkey.Server.Hosting;
using Latchkey.Server.Storage;
using Latchkey.Server.Vault;
using Microsoft.AspNetCore.DataProtection.KeyManagement;

namespace Latchkey.Server.Tests.Vault;

/// <summary>
/// The database records a check value for every key that sealed its values, so a ring missing any of them is refused
/// at start, even when the newest value of every sealed column was sealed with a key the ring has.
/// </summary>
public sealed class KeyCheckTests
{
    [Fact]
    public async Task RingWithoutAnOlderKeyTheDatabaseStillNeeds_IsRefused_NamingIt_UntilRewrapRetiresIt()
    {
        var dataDirectory = Directory.CreateTempSubdirectory("latchkey-key-checks-").FullName;
        var (oldKey, newKey) = (EncryptionKey.Generate(), EncryptionKey.Generate());
        string? databaseUrl;
        var secretKeys = Settings(oldKey.ToBase64());
        await using (var first = await Server.StartAsync(secretKeys, dataDirectory: dataDirectory))
        {
            databaseUrl = first.DatabaseUrl;
            await first.CreateIntegrationAsync("fake-oauth2", "old", new { type = "OAUTH2", client_id = "cid", client_secret = "sealed-with-the-old-key" });
        }

        // Rotated: every column's newest value is sealed with the new key (new secret keys, a new integration, a new
        // Data Protection key); only the older integration's secret still needs the old key.
        var rotated = Settings($"{newKey.ToBase64()},{oldKey.ToBase64()}");
        await using (var second = await Server.StartAsync(rotated, dataDirectory: dataDirectory))
        {
            await second.CreateIntegrationAsync("fake-oauth2", "new", new { type = "OAUTH2", client_id = "cid", client_secret = "sealed-with-the-new-key" });
            var now = DateTimeOffset.UtcNow;
            second.Services.GetRequiredService<IKeyManager>().CreateNewKey(now, now.AddDays(90));
        }

        var refused = await Assert.ThrowsAsync<StartupRefusalException>(() =>
            TestApp.StartAsync(new Dictionary<string, string?>(rotated) { ["LATCHKEY_ENCRYPTION_KEY"] = newKey.ToBase64() }, dataDirectory: dataDirectory));

        Assert.StartsWith("Latchkey will not start: LATCHKEY_ENCRYPTION_KEY does not open", refused.Message, StringComparison.Ordinal);
        Assert.Contains($"sealed with encryption key {oldKey.Id})", refused.Message, StringComparison.Ordinal);
        Assert.DoesNotContain('\n', refused.Message);

        var storage = new StorageOptions { DataDirectory = dataDirectory, DatabaseUrl = databaseUrl };
        Assert.True(await KeyCommands.RewrapAsync(storage, new VaultOptions { EncryptionKeys = rotated["LATCHKEY_ENCRYPTION_KEY"] }, Server.Cancellation) > 0);
        await using (var retired = await Server.StartAsync(new Dictionary<string, string?>(rotated) { ["LATCHKEY_ENCRYPTION_KEY"] = newKey.ToBase64() }, dataDirectory: dataDirectory))
        {
            var old = await retired.Backend.GetAsync("/integrations/old?include=credentials", Server.Cancellation);

            Assert.Equal(HttpStatusCode.OK, old.StatusCode);
            Assert.Equal("sealed-with-the-old-key", (await old.JsonAsync())["data"]!["credentials"]!["client_secret"]!.GetValue<string>());
        }

        await TestDatabases.DropAsync(dataDirectory);
        Directory.Delete(dataDirectory, recursive: true);
    }

    [Fact]
    public async Task KeyFileLostBesideADatabase_IsRefused_NamingTheKeyTheDatabaseRecorded()
    {
        var dataDirectory = Directory.CreateTempSubdirectory("latchkey-key-checks-lost-").FullName;
        string firstKeyId;
        await using (await Server.StartOnSqliteAsync(dataDirectory: dataDirectory))
        {
            firstKeyId = KeyFile.Read(Path.Combine(dataDirectory, "encryption.key"))[0].Id;
        }

        File.Delete(Path.Combine(dataDirectory, "encryption.key"));
        var refused = await Assert.ThrowsAsync<StartupRefusalException>(() => Server.StartOnSqliteAsync(dataDirectory: dataDirectory));

        Assert.Contains($"sealed with encryption key {firstKeyId}, which the key file", refused.Message, StringComparison.Ordinal);
        Directory.Delete(dataDirectory, recursive: true);
    }

    private static Dictionary<string, string?> Settings(string keys) => new()
    {
        ["LATCHKEY_ENCRYPTION_KEY"] = keys,
        // A new pair of secret keys at each start is a rotation: the environments' sealed values are sealed anew.
        ["LATCHKEY_SECRET_KEY_DEV"] = KeyFormats.NewSecretKey(),
        ["LATCHKEY_SECRET_KEY_PROD"] = KeyFormats.NewSecretKey(),
    };
}
