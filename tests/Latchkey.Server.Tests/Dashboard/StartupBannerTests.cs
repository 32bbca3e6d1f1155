using Latchkey.Server.Tests.Hosting;

namespace Latchkey.Server.Tests.Dashboard;

public sealed class StartupBannerTests
{
    [Fact]
    public async Task FirstStart_PrintsTheDashboardLoginWithItsFullAddress()
    {
        var folder = Directory.CreateTempSubdirectory("latchkey-banner-");
        try
        {
            await using var server = await ServerProcess.StartAsync(folder.FullName);
            string? line = null;
            for (var attempt = 0; attempt < 50 && line is null; attempt++)
            {
                line = server.Lines.FirstOrDefault(l => l.Contains("e-mail admin@localhost", StringComparison.Ordinal));
                await Task.Delay(100, Server.Cancellation);
            }

            Assert.NotNull(line);
            Assert.StartsWith($"{server.BaseUrl}/dashboard/ ", line.Trim(), StringComparison.Ordinal);
        }
        finally
        {
            folder.Delete(recursive: true);
        }
    }
}
