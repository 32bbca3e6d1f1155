using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text.RegularExpressions;
using Latchkey.Server.Hosting;
using Npgsql;

namespace Latchkey.Server.Tests.Hosting;

/// <summary>
/// Issue 17 item 10: a bad setting stops the real server process with one sentence on stderr that names the setting,
/// no stack trace anywhere, and exit code 1 (it used to print an unhandled exception and exit 134, or start anyway).
/// </summary>
public sealed partial class StartupRefusalTests
{
    private const string Password = "s3cret-pw-9f1c";

    [Theory]
    [InlineData("LATCHKEY_PORT", "abc", "LATCHKEY_PORT must be a whole number")]
    [InlineData("LATCHKEY_PORT", "70000", "LATCHKEY_PORT must be a TCP port")]
    [InlineData("LATCHKEY_PUBLIC_KEY_AUTH", "yes", "LATCHKEY_PUBLIC_KEY_AUTH must be true or false")]
    [InlineData("LATCHKEY_PROXY_ALLOW_BASE_URL_OVERRIDE", "1", "LATCHKEY_PROXY_ALLOW_BASE_URL_OVERRIDE must be true or false")]
    [InlineData("LATCHKEY_RATE_LIMIT_API", "lots", "LATCHKEY_RATE_LIMIT_API must be a whole number")]
    [InlineData("LATCHKEY_MAX_BODY_BYTES", "1e6", "LATCHKEY_MAX_BODY_BYTES must be a whole number of bytes")]
    [InlineData("LATCHKEY_CONNECTION_LIMIT", "many", "LATCHKEY_CONNECTION_LIMIT must be a whole number")]
    [InlineData("LATCHKEY_OUTBOUND_TIMEOUT_SECONDS", "0", "LATCHKEY_OUTBOUND_TIMEOUT_SECONDS must be between 1 and 300")]
    [InlineData("LATCHKEY_WEBHOOK_MAX_ATTEMPTS", "1000", "LATCHKEY_WEBHOOK_MAX_ATTEMPTS must be between 1 and 100")]
    [InlineData("LATCHKEY_SERVER_URL", "not a url", "LATCHKEY_SERVER_URL must be an absolute http(s) URL")]
    [InlineData("LATCHKEY_BIND", "not a host!", "LATCHKEY_BIND must be localhost, an IP address")]
    [InlineData("LATCHKEY_OUTBOUND_ALLOW", "10.0.0.0/99", "LATCHKEY_OUTBOUND_ALLOW must be host names, IP addresses or CIDR ranges")]
    [InlineData("LATCHKEY_WEBSOCKETS_PATH", "ws", "LATCHKEY_WEBSOCKETS_PATH must start with '/'")]
    [InlineData("LATCHKEY_SECRET_KEY_DEV", "not-a-key", "LATCHKEY_SECRET_KEY_DEV must be lk_sk_")]
    [InlineData("LATCHKEY_ADMIN_EMAIL", "admin", "LATCHKEY_ADMIN_EMAIL must be an e-mail address")]
    [InlineData("LATCHKEY_ENCRYPTION_KEY", "short", "LATCHKEY_ENCRYPTION_KEY must be one or more base64-encoded 32-byte keys")]
    [InlineData("LATCHKEY_DATABASE_URL", "mysql://x", "LATCHKEY_DATABASE_URL must be a PostgreSQL URL")]
    [InlineData("LATCHKEY_DATABASE_URL", $"postgres://latchkey:{Password}@127.0.0.1:1/latchkey", "LATCHKEY_DATABASE_URL: PostgreSQL at 127.0.0.1:1/latchkey could not be reached")]
    [InlineData("LATCHKEY_DATA_DIR", "{file}/data", "LATCHKEY_DATA_DIR: ")]
    [InlineData("LATCHKEY_PROVIDERS_FILE", "{bad yaml}", "LATCHKEY_PROVIDERS_FILE: ")]
    [InlineData("LATCHKEY_PROVIDERS_FILE", "{missing}", "LATCHKEY_PROVIDERS_FILE names a file that does not exist")]
    [InlineData("LATCHKEY_TLS_CERT_FILE", "{file}", "LATCHKEY_TLS_CERT_FILE")]
    [InlineData("LATCHKEY_CONNECT_UI_DIR", "{missing}", "LATCHKEY_CONNECT_UI_DIR must name a folder")]
    [InlineData("LATCHKEY_SSO_OIDC_AUTHORITY", "https://login.example.com", "Single sign-on needs LATCHKEY_SSO_OIDC_AUTHORITY, LATCHKEY_SSO_OIDC_CLIENT_ID, LATCHKEY_SSO_OIDC_CLIENT_SECRET and LATCHKEY_SSO_ALLOWED_DOMAINS together")]
    [InlineData("LATCHKEY_SSO_OIDC_CLIENT_SECRET", Password, "LATCHKEY_SSO_OIDC_AUTHORITY, LATCHKEY_SSO_OIDC_CLIENT_ID and LATCHKEY_SSO_ALLOWED_DOMAINS are missing")]
    public async Task BadSetting_StopsTheProcess_WithOneSentenceNamingIt_AndExitCode1(string setting, string value, string sentence)
    {
        var folder = Directory.CreateTempSubdirectory("latchkey-refusal-").FullName;
        var file = Path.Combine(folder, "a-file.txt");
        await File.WriteAllTextAsync(file, "not a certificate, not a folder", Server.Cancellation);
        var badYaml = Path.Combine(folder, "providers.yaml");
        await File.WriteAllTextAsync(badYaml, "acme: [\n", Server.Cancellation);
        value = value.Replace("{file}", file, StringComparison.Ordinal).Replace("{bad yaml}", badYaml, StringComparison.Ordinal)
            .Replace("{missing}", Path.Combine(folder, "missing"), StringComparison.Ordinal);

        var run = await RunServerAsync(folder, new() { [setting] = value });

        AssertRefusedWithOneSentence(run, sentence);
        Directory.Delete(folder, recursive: true);
    }

    [Fact]
    public async Task PortInUse_StopsTheProcess_WithOneSentence()
    {
        var folder = Directory.CreateTempSubdirectory("latchkey-refusal-").FullName;
        using var taken = new TcpListener(IPAddress.Loopback, 0);
        taken.Start();

        var run = await RunServerAsync(folder, new() { ["LATCHKEY_PORT"] = ((IPEndPoint)taken.LocalEndpoint).Port.ToString(System.Globalization.CultureInfo.InvariantCulture) });

        AssertRefusedWithOneSentence(run, "address already in use; stop the other process or set another LATCHKEY_PORT");
        Directory.Delete(folder, recursive: true);
    }

    [Fact]
    public async Task PostgreSqlThatRefusesTheLogin_StopsTheProcess_WithOneSentence_WithoutThePassword()
    {
        Assert.SkipUnless(TestDatabases.UsesPostgres, "Needs a PostgreSQL server (set LATCHKEY_TEST_POSTGRES).");
        var folder = Directory.CreateTempSubdirectory("latchkey-refusal-").FullName;
        var wrong = new NpgsqlConnectionStringBuilder(TestDatabases.PostgresAdmin) { Password = Password }.ToString();

        var run = await RunServerAsync(folder, new() { ["LATCHKEY_DATABASE_URL"] = wrong });

        AssertRefusedWithOneSentence(run, "refused the connection: password authentication failed");
        Directory.Delete(folder, recursive: true);
    }

    [Fact]
    public void EveryNumberAndSwitchTheServerReads_IsCheckedBeforeItIsBound()
    {
        var parsed = Directory.GetFiles(RepositoryFiles.PathOf("src", "Latchkey.Server"), "*.cs", SearchOption.AllDirectories)
            .Where(path => !path.Contains($"{Path.DirectorySeparatorChar}obj{Path.DirectorySeparatorChar}", StringComparison.Ordinal))
            .SelectMany(path => ParsedSettings(File.ReadAllText(path)))
            .ToHashSet(StringComparer.Ordinal);

        Assert.Contains("LATCHKEY_PORT", parsed);
        Assert.Contains("LATCHKEY_RATE_LIMIT_API", parsed);
        Assert.Contains("LATCHKEY_SESSION_MAX_CONNECTIONS", parsed);
        Assert.Empty(parsed.Except(SettingsCheck.WholeNumbers).Except(SettingsCheck.LargeNumbers).Except(SettingsCheck.Switches));
    }

    // A setting is parsed when a TryParse sits in the statement that reads it (from the start of its line to the next
    // ';' or the next read, so an `if (configuration[…] is { } text)` block counts), or when the rate limits' Read(…) reads it.
    private static IEnumerable<string> ParsedSettings(string source)
    {
        foreach (Match read in SettingRead().Matches(source))
        {
            var lineStart = source.LastIndexOf('\n', read.Index) + 1;
            var next = SettingRead().Match(source, read.Index + read.Length);
            var semicolon = source.IndexOf(';', read.Index);
            var end = Math.Min(next.Success ? next.Index : source.Length, semicolon < 0 ? source.Length : semicolon);
            if (read.Groups["reader"].Success || source.AsSpan(lineStart, end - lineStart).Contains("TryParse", StringComparison.Ordinal))
            {
                yield return read.Groups["name"].Value;
            }
        }
    }

    [GeneratedRegex(@"(?:configuration\[|(?<reader>Read\(configuration, ))""(?<name>LATCHKEY_[A-Z0-9_]+)""")]
    private static partial Regex SettingRead();

    private static void AssertRefusedWithOneSentence(ServerRun run, string sentence)
    {
        var output = $"exit {run.ExitCode}\nstderr:\n{run.StdErr}\nstdout:\n{run.StdOut}";
        Assert.True(run.ExitCode == 1, output);
        var lines = run.StdErr.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        Assert.True(lines.Length == 1, output);
        Assert.Contains(sentence, lines[0], StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", run.StdErr + run.StdOut, StringComparison.Ordinal);
        Assert.DoesNotContain("Exception", run.StdErr + run.StdOut, StringComparison.Ordinal);
        Assert.DoesNotContain(Password, run.StdErr + run.StdOut, StringComparison.Ordinal);
    }

    private sealed record ServerRun(int ExitCode, string StdOut, string StdErr);

    /// <summary>The built server as its own process, as an operator starts it, with only these settings.</summary>
    private static async Task<ServerRun> RunServerAsync(string folder, Dictionary<string, string> settings)
    {
        var start = new ProcessStartInfo("dotnet", [Path.Combine(AppContext.BaseDirectory, "Latchkey.Server.dll")])
        {
            WorkingDirectory = folder,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        foreach (var inherited in start.Environment.Keys.Where(key => key.StartsWith("LATCHKEY_", StringComparison.Ordinal)
            || key.StartsWith("ASPNETCORE_", StringComparison.Ordinal) || key is "PORT" or "DOTNET_URLS").ToList())
        {
            start.Environment.Remove(inherited);
        }

        start.Environment["LATCHKEY_DATA_DIR"] = Path.Combine(folder, "data");
        start.Environment["LATCHKEY_BIND"] = "127.0.0.1";
        start.Environment["LATCHKEY_PORT"] = "0";
        foreach (var (key, value) in settings)
        {
            start.Environment[key] = value;
        }

        if (!settings.ContainsKey("LATCHKEY_PORT"))
        {
            // A port of its own, free now: should the server start after all, it clashes with nothing.
            using var probe = new TcpListener(IPAddress.Loopback, 0);
            probe.Start();
            start.Environment["LATCHKEY_PORT"] = ((IPEndPoint)probe.LocalEndpoint).Port.ToString(System.Globalization.CultureInfo.InvariantCulture);
        }

        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync(Server.Cancellation);
        var stderr = process.StandardError.ReadToEndAsync(Server.Cancellation);
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(Server.Cancellation);
        timeout.CancelAfter(TimeSpan.FromSeconds(60));
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync(CancellationToken.None);
            return new ServerRun(-1, await stdout, "the server started (or hung) instead of refusing: " + await stderr);
        }

        return new ServerRun(process.ExitCode, await stdout, await stderr);
    }
}
