using System.Collections.Concurrent;
using System.Net;
using Latchkey.Server.Environments;
using Latchkey.Server.Hosting;
using Latchkey.Server.Vault;

namespace Latchkey.Server.Tests.Vault;

/// <summary>A server whose keys do not match its database stops at start-up with one sentence saying what to do.</summary>
public sealed class KeyRefusalTests
{
    [Fact]
    public async Task ConfiguredEncryptionKey_ThatDoesNotOpenTheDatabase_RefusesToStart_AndTheRightKeyStillWorks()
    {
        var dataDirectory = Directory.CreateTempSubdirectory("latchkey-wrong-key-").FullName;
        var rightKey = EncryptionKey.Generate();
        var settings = new Dictionary<string, string?> { ["LATCHKEY_ENCRYPTION_KEY"] = rightKey.ToBase64(), ["LATCHKEY_SECRET_KEY_DEV"] = KeyFormats.NewSecretKey() };
        await using (var first = await Server.StartAsync(settings, dataDirectory: dataDirectory))
        {
            await first.CreateIntegrationAsync("fake-apikey");
        }

        var log = new ConcurrentQueue<string>();
        var refused = await Assert.ThrowsAsync<StartupRefusalException>(() => TestApp.StartAsync(
            new Dictionary<string, string?>(settings) { ["LATCHKEY_ENCRYPTION_KEY"] = EncryptionKey.Generate().ToBase64() },
            dataDirectory: dataDirectory, echo: log.Enqueue));

        Assert.Contains("LATCHKEY_ENCRYPTION_KEY does not open the values the database holds", refused.Message, StringComparison.Ordinal);
        Assert.Contains($"sealed with encryption key {rightKey.Id}", refused.Message, StringComparison.Ordinal);
        Assert.Contains(log, line => line.Contains(refused.Message, StringComparison.Ordinal));
        await using (var again = await Server.StartAsync(settings, dataDirectory: dataDirectory))
        {
            // The refused start changed nothing: the secret key and the integration's secrets still open.
            Assert.Equal(HttpStatusCode.OK, (await again.Backend.GetAsync("/integrations/fake-apikey", Server.Cancellation)).StatusCode);
        }

        await DeleteAsync(dataDirectory);
    }

    [Fact]
    public async Task GeneratedKeyFile_ThatDoesNotOpenTheDatabase_RefusesToStart()
    {
        var dataDirectory = Directory.CreateTempSubdirectory("latchkey-lost-key-").FullName;
        await using (await Server.StartAsync(dataDirectory: dataDirectory))
        {
        }

        // The key file is lost (a new volume, a copied database): a new one is generated and does not fit.
        File.Delete(Path.Combine(dataDirectory, "encryption.key"));
        var refused = await Assert.ThrowsAsync<StartupRefusalException>(() => TestApp.StartAsync(dataDirectory: dataDirectory));

        Assert.Contains("which the key file", refused.Message, StringComparison.Ordinal);
        Assert.Contains("set LATCHKEY_ENCRYPTION_KEY (on every instance) to the key the database was sealed with", refused.Message, StringComparison.Ordinal);
        await DeleteAsync(dataDirectory);
    }

    [Fact]
    public async Task SecondInstance_WithAKeyFileOfItsOwn_RefusesToStartOnTheSharedDatabase()
    {
        Assert.SkipUnless(TestDatabases.UsesPostgres, "Instances share a database on PostgreSQL only (set LATCHKEY_TEST_POSTGRES).");
        await using var first = await Server.StartAsync();
        var log = new ConcurrentQueue<string>();

        // No LATCHKEY_ENCRYPTION_KEY: the second instance generates a key file in its own data folder.
        var refused = await Assert.ThrowsAsync<StartupRefusalException>(() => first.StartAnotherInstanceAsync(
            new Dictionary<string, string?> { ["LATCHKEY_ENCRYPTION_KEY"] = null }, echo: log.Enqueue));

        Assert.StartsWith("Latchkey will not start: the database holds values sealed with encryption key", refused.Message, StringComparison.Ordinal);
        Assert.Contains(log, line => line.Contains(refused.Message, StringComparison.Ordinal));
        Assert.Equal(HttpStatusCode.OK, (await first.Backend.GetAsync("/environment", Server.Cancellation)).StatusCode);
    }

    [Fact]
    public async Task ConfiguredSecretKey_ThatDiffersFromTheStoredOne_IsARotation()
    {
        var dataDirectory = Directory.CreateTempSubdirectory("latchkey-secret-rotation-").FullName;
        string oldKey;
        await using (var first = await Server.StartAsync(dataDirectory: dataDirectory))
        {
            oldKey = first.SecretKey;
        }

        await using (var rotated = await Server.StartAsync(new Dictionary<string, string?> { ["LATCHKEY_SECRET_KEY_DEV"] = KeyFormats.NewSecretKey() }, dataDirectory: dataDirectory))
        {
            using var withOldKey = new HttpClient { BaseAddress = new Uri(rotated.BaseUrl) };
            withOldKey.DefaultRequestHeaders.Authorization = new("Bearer", oldKey);

            Assert.Equal(HttpStatusCode.OK, (await rotated.Backend.GetAsync("/environment", Server.Cancellation)).StatusCode);
            Assert.Equal(HttpStatusCode.Unauthorized, (await withOldKey.GetAsync("/environment", Server.Cancellation)).StatusCode);
            Assert.Contains(rotated.Logs.Lines, line => line.Contains("Secret key of environment dev", StringComparison.Ordinal));
            Assert.DoesNotContain(rotated.Logs.Lines, line => line.Contains(rotated.SecretKey, StringComparison.Ordinal) || line.Contains(oldKey, StringComparison.Ordinal));
        }

        await DeleteAsync(dataDirectory);
    }

    private static async Task DeleteAsync(string dataDirectory)
    {
        await TestDatabases.DropAsync(dataDirectory);
        Directory.Delete(dataDirectory, recursive: true);
    }
}
