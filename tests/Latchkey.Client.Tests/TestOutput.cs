namespace Latchkey.Client.Tests;

/// <summary>Starts the real server (<see cref="TestApp"/>) with its log lines in the running test's output, and a client for it.</summary>
internal static class Server
{
    public static Task<TestApp> StartAsync(IReadOnlyDictionary<string, string?>? settings = null)
    {
        var output = TestContext.Current.TestOutputHelper;
        return TestApp.StartAsync(settings, echo: output is null ? null : line => output.WriteLine(line));
    }

    public static LatchkeyClient ClientFor(TestApp app, string? secretKey = null) =>
        new(new HttpClient(), new LatchkeyClientOptions { BaseUrl = app.BaseUrl, SecretKey = secretKey ?? app.SecretKey });

    public static CancellationToken Cancellation => TestContext.Current.CancellationToken;
}
