using System.Net;
using Latchkey.Server.Storage;
using Microsoft.Extensions.Options;

namespace Latchkey.Server.Tests.Observability;

/// <summary>/health/live says the process answers; /health/ready and /health say whether it can serve.</summary>
public sealed class HealthTests
{
    [Theory]
    [InlineData("/health")]
    [InlineData("/health/live")]
    [InlineData("/health/ready")]
    public async Task HealthyServer_AnswersOk(string path)
    {
        await using var app = await Server.StartAsync();

        var response = await app.Http.GetAsync(path, Server.Cancellation);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("""{"result":"ok"}""", await response.Content.ReadAsStringAsync(Server.Cancellation));
    }

    [Fact]
    public async Task ReadinessAskedManyTimes_AsksTheDatabaseOncePerSecond()
    {
        await using var app = await Server.StartAsync();
        var check = app.Services.GetRequiredService<DatabaseHealthCheck>();
        var before = check.Pings;

        for (var i = 0; i < 50; i++)
        {
            Assert.Equal(HttpStatusCode.OK, (await app.Http.GetAsync("/health", Server.Cancellation)).StatusCode);
        }

        // A ping starts a second of trust (start-up's own probe may have started one already); a slow machine may
        // cross into a second or third one, never fifty.
        Assert.InRange(check.Pings - before, 0, 3);
    }

    [Fact]
    public async Task DatabaseGone_MakesReadinessFail_WhileLivenessStaysOk()
    {
        await using var app = await Server.StartAsync();
        Assert.Equal(HttpStatusCode.OK, (await app.Http.GetAsync("/health/ready", Server.Cancellation)).StatusCode);

        // PostgreSQL: the database is dropped. SQLite: its file disappears, as with a lost volume (the server's pooled
        // connections would go on writing into the deleted file, which readiness must not take for a working database).
        if (app.DatabaseUrl is not null)
        {
            await TestDatabases.DropAsync(app.DataDirectory);
        }
        else
        {
            var file = app.Services.GetRequiredService<IOptions<StorageOptions>>().Value.SqlitePath;
            foreach (var path in new[] { file, file + "-wal", file + "-shm" })
            {
                File.Delete(path);
            }
        }

        var ready = await PollAsync(app, "/health/ready", HttpStatusCode.ServiceUnavailable);
        var health = await app.Http.GetAsync("/health", Server.Cancellation);
        var live = await app.Http.GetAsync("/health/live", Server.Cancellation);

        Assert.Equal(HttpStatusCode.ServiceUnavailable, ready.StatusCode);
        Assert.Equal("""{"result":"unavailable","failing":["database"]}""", await ready.Content.ReadAsStringAsync(Server.Cancellation));
        Assert.Equal(HttpStatusCode.ServiceUnavailable, health.StatusCode);
        Assert.Equal(HttpStatusCode.OK, live.StatusCode);
    }

    // A success is trusted for a second, so the failure shows within about that.
    private static async Task<HttpResponseMessage> PollAsync(TestApp app, string path, HttpStatusCode wanted)
    {
        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (true)
        {
            var response = await app.Http.GetAsync(path, Server.Cancellation);
            if (response.StatusCode == wanted || DateTime.UtcNow > deadline)
            {
                return response;
            }

            await Task.Delay(100, Server.Cancellation);
        }
    }
}
