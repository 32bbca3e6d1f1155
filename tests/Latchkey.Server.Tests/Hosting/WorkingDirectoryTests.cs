using System.Diagnostics;
using System.Net;
using Latchkey.Server.Environments;

namespace Latchkey.Server.Tests.Hosting;

/// <summary>
/// Where a server started from any folder keeps its data, what it logs there, and that its key can never be one
/// <c>git add -A</c> away (issue 17 item 3, issue 18 item 4).
/// </summary>
public sealed class WorkingDirectoryTests
{
    [Fact]
    public async Task DotnetRun_FromAnotherFolder_KeepsDataThere_IgnoredByGit_AndLogsNoRequests()
    {
        var folder = Directory.CreateTempSubdirectory("latchkey-user-folder-");
        try
        {
            Git(folder.FullName, "init", "-q");
            var secretKey = KeyFormats.NewSecretKey();
            await using (var server = await ServerProcess.StartAsync(folder.FullName, new Dictionary<string, string> { ["LATCHKEY_SECRET_KEY_DEV"] = secretKey }))
            {
                // The start-up lines are written by the console logger's own thread: count from its last one.
                var started = await LinesThroughAsync(server, "Content root path: ");
                using var backend = new HttpClient { BaseAddress = new Uri(server.BaseUrl) };
                backend.DefaultRequestHeaders.Authorization = new("Bearer", secretKey);
                for (var i = 0; i < 3; i++)
                {
                    Assert.Equal(HttpStatusCode.OK, (await backend.GetAsync("/integrations", Server.Cancellation)).StatusCode);
                    Assert.Equal(HttpStatusCode.Created, (await backend.PostAsJsonAsync("/connect/sessions", new { end_user = new { id = "user-42" } }, Server.Cancellation)).StatusCode);
                    Assert.Equal(HttpStatusCode.NotFound, (await server.Http.GetAsync("/no/such/route", Server.Cancellation)).StatusCode);
                    Assert.Equal(HttpStatusCode.Unauthorized, (await server.Http.GetAsync("/connections", Server.Cancellation)).StatusCode);
                    await server.Http.GetAsync("/dashboard/login", Server.Cancellation);
                }

                await Task.Delay(500, Server.Cancellation); // lines in flight reach the console
                var afterStart = server.Lines.Skip(started).ToList();
                Assert.DoesNotContain(afterStart, line => line.StartsWith("info:", StringComparison.Ordinal) || line.StartsWith("dbug:", StringComparison.Ordinal));
                Assert.Contains(server.Lines, line => line.Contains("Content root path: " + folder.FullName, StringComparison.Ordinal));
            }

            var data = Path.Combine(folder.FullName, "data");
            Assert.True(File.Exists(Path.Combine(data, "encryption.key")), "the key file is under ./data of the folder the command was typed in");
            Assert.True(File.Exists(Path.Combine(data, "latchkey.db")));
            Assert.Equal("*", File.ReadAllLines(Path.Combine(data, ".gitignore")).Last());
            Git(folder.FullName, "add", "-A");
            Assert.Equal("", Git(folder.FullName, "status", "--porcelain", "--untracked-files=all"));
        }
        finally
        {
            folder.Delete(recursive: true);
        }
    }

    [Theory]
    [InlineData("data/encryption.key")]
    [InlineData("data/latchkey.db")]
    [InlineData("src/Latchkey.Server/data/encryption.key")]
    [InlineData("src/Latchkey.Server/data/latchkey.db-wal")]
    [InlineData("samples/Latchkey.Sample/data/encryption.key")]
    [InlineData("somewhere/else/encryption.key")]
    public void RepositoryGitIgnore_CoversEveryPlaceDataCanLand(string path)
    {
        Assert.SkipUnless(Directory.Exists(RepositoryFiles.PathOf(".git")) || File.Exists(RepositoryFiles.PathOf(".git")), "not a git checkout");

        Assert.Equal(path + "\n", Git(RepositoryFiles.Root, "check-ignore", "--no-index", path));
    }

    [Fact]
    public async Task CreatedDataFolder_GetsItsOwnGitIgnore_AnExistingOneIsLeftAlone()
    {
        var parent = Directory.CreateTempSubdirectory("latchkey-data-parent-");
        try
        {
            var created = Path.Combine(parent.FullName, "new-data");
            await using (await Server.StartAsync(new Dictionary<string, string?> { ["LATCHKEY_DATA_DIR"] = created }))
            {
                Assert.Equal(Latchkey.Server.Storage.DataFolder.GitIgnoreText, await File.ReadAllTextAsync(Path.Combine(created, ".gitignore"), Server.Cancellation));
            }

            await using (await Server.StartAsync(new Dictionary<string, string?> { ["LATCHKEY_DATA_DIR"] = parent.FullName }))
            {
                Assert.False(File.Exists(Path.Combine(parent.FullName, ".gitignore")), "a folder the operator made is theirs");
            }
        }
        finally
        {
            parent.Delete(recursive: true);
        }
    }

    private static async Task<int> LinesThroughAsync(ServerProcess server, string marker)
    {
        for (var attempt = 0; attempt < 100; attempt++)
        {
            var lines = server.Lines.ToList();
            var index = lines.FindIndex(line => line.Contains(marker, StringComparison.Ordinal));
            if (index >= 0)
            {
                return index + 1;
            }

            await Task.Delay(100, Server.Cancellation);
        }

        throw new Xunit.Sdk.XunitException($"The server never printed '{marker}':\n{string.Join('\n', server.Lines)}");
    }

    private static string Git(string folder, params string[] arguments)
    {
        var start = new ProcessStartInfo("git") { WorkingDirectory = folder, RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        using var git = Process.Start(start)!;
        var output = git.StandardOutput.ReadToEnd();
        git.WaitForExit();
        return output;
    }
}
