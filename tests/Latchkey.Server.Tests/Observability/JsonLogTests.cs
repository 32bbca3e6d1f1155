using System.Text.Json;

namespace Latchkey.Server.Tests.Observability;

/// <summary><c>LATCHKEY_LOG_FORMAT=json</c>: every line the server writes to its console is one JSON object.</summary>
public sealed class JsonLogTests
{
    [Fact]
    public async Task JsonFormat_WritesOneJsonObjectPerLine()
    {
        await using var server = await ServerProcess.StartBuiltAsync(new Dictionary<string, string> { ["LATCHKEY_LOG_FORMAT"] = "json" });
        await server.Backend.GetAsync("/connections/missing?provider_config_key=none", Server.Cancellation);
        await server.StopAsync(); // stopping logs too

        var lines = server.Output.Where(line => line.Length > 0).ToList();
        Assert.Contains(lines, line => line.Contains("Now listening on", StringComparison.Ordinal));
        Assert.Contains(lines, line => line.Contains("Application is shutting down", StringComparison.Ordinal));
        Assert.All(lines, line =>
        {
            using var entry = JsonDocument.Parse(line);
            Assert.True(entry.RootElement.TryGetProperty("Timestamp", out _), line);
            Assert.True(entry.RootElement.TryGetProperty("LogLevel", out _), line);
            Assert.True(entry.RootElement.TryGetProperty("Category", out _), line);
            Assert.True(entry.RootElement.TryGetProperty("Message", out _), line);
        });
    }
}
