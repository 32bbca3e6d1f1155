using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text.RegularExpressions;

namespace Latchkey.Server.Tests.Repository;

/// <summary>
/// The README's quickstart, run as written: its bash blocks, in order, in one shell, from a folder of their own, against
/// the server they start. Only what a test must change is changed: the server is the one already built
/// (<c>dotnet run --no-build</c>, the project by its full path) and listens on a free port instead of 3003.
/// </summary>
public sealed partial class QuickstartTests
{
#if DEBUG
    private const string Configuration = "Debug";
#else
    private const string Configuration = "Release";
#endif

    [Fact]
    public async Task TheReadmeQuickstart_MakesAConnectionOffline()
    {
        var blocks = QuickstartBlocks(await File.ReadAllTextAsync(RepositoryFiles.PathOf("README.md"), Server.Cancellation));
        Assert.Equal(3, blocks.Count);
        var port = FreePort();
        var script = string.Join("\necho '@@block@@'\n", blocks)
            .Replace("dotnet run --project src/Latchkey.Server", $"dotnet run --no-build -c {Configuration} --project {RepositoryFiles.PathOf("src", "Latchkey.Server")}", StringComparison.Ordinal)
            .Replace("localhost:3003", $"localhost:{port}", StringComparison.Ordinal);
        Assert.DoesNotContain("3003", script, StringComparison.Ordinal);
        script += "\nkill %1\nwait\n"; // what the README says stops the server

        var folder = Directory.CreateTempSubdirectory("latchkey-quickstart-");
        try
        {
            var (exitCode, output) = await RunBashAsync(script, folder.FullName, port);
            var parts = output.Split("@@block@@");

            Assert.True(exitCode == 0, output);
            Assert.Equal(3, parts.Length);
            Assert.Contains("\"provider\":\"latchkey-demo\"", parts[1], StringComparison.Ordinal);
            Assert.Contains("\"credentials\":{\"type\":\"API_KEY\",\"apiKey\":\"demo_12345678\"}", parts[1], StringComparison.Ordinal);
            Assert.Matches("\"name\":\"Demo user [0-9a-f]{8}\"", parts[1]);
            Assert.Contains("\"provider\":\"latchkey-demo-oauth\"", parts[2], StringComparison.Ordinal);
            Assert.Matches($@"(?m)^http://localhost:{port}/connect-ui/\?session_token=nango_connect_session_[0-9a-f]{{64}}&apiURL=\S+$", parts[2]);
            Assert.True(File.Exists(Path.Combine(folder.FullName, "data", "encryption.key")));
        }
        finally
        {
            folder.Delete(recursive: true);
        }
    }

    /// <summary>The ```bash blocks of the README's Quickstart section, in order.</summary>
    internal static List<string> QuickstartBlocks(string readme)
    {
        var start = readme.IndexOf("\n## Quickstart", StringComparison.Ordinal);
        var end = readme.IndexOf("\n## ", start + 1, StringComparison.Ordinal);
        return BashBlock().Matches(readme[start..end]).Select(match => match.Groups["code"].Value).ToList();
    }

    private static async Task<(int ExitCode, string Output)> RunBashAsync(string script, string folder, int port)
    {
        var start = new ProcessStartInfo("bash", ["-c", script])
        {
            WorkingDirectory = folder, RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false,
        };
        foreach (var name in start.Environment.Keys.Where(name => name.StartsWith("LATCHKEY_", StringComparison.Ordinal) || name.StartsWith("ASPNETCORE_", StringComparison.Ordinal)).ToList())
        {
            start.Environment.Remove(name);
        }

        start.Environment["LATCHKEY_PORT"] = port.ToString(System.Globalization.CultureInfo.InvariantCulture);
        using var bash = Process.Start(start)!;
        var output = bash.StandardOutput.ReadToEndAsync(Server.Cancellation);
        var errors = bash.StandardError.ReadToEndAsync(Server.Cancellation);
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(Server.Cancellation);
        timeout.CancelAfter(TimeSpan.FromMinutes(3));
        try
        {
            await bash.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            bash.Kill(entireProcessTree: true);
            throw;
        }

        var text = await output + "\n" + await errors;
        TestContext.Current.TestOutputHelper?.WriteLine(text);
        return (bash.ExitCode, text);
    }

    private static int FreePort()
    {
        using var probe = new TcpListener(IPAddress.Loopback, 0);
        probe.Start();
        return ((IPEndPoint)probe.LocalEndpoint).Port;
    }

    [GeneratedRegex(@"```bash\n(?<code>.*?)```", RegexOptions.Singleline)]
    private static partial Regex BashBlock();
}
