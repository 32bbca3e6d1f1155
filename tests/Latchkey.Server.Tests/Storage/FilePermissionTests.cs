namespace Latchkey.Server.Tests.Storage;

/// <summary>The SQLite files hold every sealed secret and token hash: owner-only, also in a folder that already existed.</summary>
[System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
public sealed class FilePermissionTests
{
    private const UnixFileMode WorldReadable = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.OtherRead;

    [Fact]
    public async Task DatabaseFiles_AreOwnerOnly_InAnExistingFolder_AndWhenAnOlderVersionLeftThemReadable()
    {
        Assert.SkipWhen(OperatingSystem.IsWindows(), "Unix file modes only.");
        var folder = Directory.CreateTempSubdirectory("latchkey-modes-").FullName;
        File.SetUnixFileMode(folder, WorldReadable | UnixFileMode.UserExecute | UnixFileMode.GroupExecute | UnixFileMode.OtherExecute);
        try
        {
            await using (var app = await Server.StartOnSqliteAsync(dataDirectory: folder))
            {
                await app.CreateIntegrationAsync("fake-apikey");
                AssertOwnerOnly(folder);
            }

            foreach (var file in Directory.GetFiles(folder, "latchkey.db*"))
            {
                File.SetUnixFileMode(file, WorldReadable);
            }

            await using (var app = await Server.StartOnSqliteAsync(dataDirectory: folder))
            {
                await app.CreateIntegrationAsync("fake-apikey", "second");
                AssertOwnerOnly(folder);
            }
        }
        finally
        {
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            Directory.Delete(folder, recursive: true);
        }
    }

    private static void AssertOwnerOnly(string folder)
    {
        var files = Directory.GetFiles(folder, "latchkey.db*").Append(Path.Combine(folder, "encryption.key")).ToArray();
        Assert.Contains(files, file => file.EndsWith("latchkey.db-wal", StringComparison.Ordinal));
        Assert.All(files, file => Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(file)));
    }
}
