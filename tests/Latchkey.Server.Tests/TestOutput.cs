namespace Latchkey.Server.Tests;

/// <summary>Starts a <see cref="TestApp"/> whose log lines go to the running test's output.</summary>
internal static class Server
{
    public static Task<TestApp> StartAsync(IReadOnlyDictionary<string, string?>? settings = null, Microsoft.Extensions.Time.Testing.FakeTimeProvider? clock = null, string? dataDirectory = null)
    {
        var output = TestContext.Current.TestOutputHelper;
        return TestApp.StartAsync(settings, clock, dataDirectory: dataDirectory, echo: output is null ? null : line => output.WriteLine(line));
    }

    /// <summary>Another instance on the first one's database, keys and fake provider (<see cref="TestApp.StartAnotherInstanceAsync"/>).</summary>
    public static Task<TestApp> StartAnotherInstanceAsync(TestApp first, Microsoft.Extensions.Time.Testing.FakeTimeProvider? clock = null)
    {
        var output = TestContext.Current.TestOutputHelper;
        return first.StartAnotherInstanceAsync(echo: output is null ? null : line => output.WriteLine("[second] " + line), clock: clock);
    }

    /// <summary>
    /// For tests of what only the embedded engine does (its files on disk, the in-memory row cache): SQLite even when
    /// the suite runs on PostgreSQL.
    /// </summary>
    public static Task<TestApp> StartOnSqliteAsync(IReadOnlyDictionary<string, string?>? settings = null, Microsoft.Extensions.Time.Testing.FakeTimeProvider? clock = null, string? dataDirectory = null) =>
        StartAsync(new Dictionary<string, string?>(settings ?? new Dictionary<string, string?>()) { [TestDatabases.DatabaseUrlSetting] = "" }, clock, dataDirectory);

    public static CancellationToken Cancellation => TestContext.Current.CancellationToken;
}
