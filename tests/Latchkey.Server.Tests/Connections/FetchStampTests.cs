using Dapper;
using Latchkey.Server.Connections;
using Latchkey.Server.Storage;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;

namespace Latchkey.Server.Tests.Connections;

public sealed class FetchStampTests
{
    [Fact]
    public async Task OlderStamp_FlushedAfterANewerOne_DoesNotMoveLastFetchedAtBack()
    {
        await using var app = await Server.StartAsync();
        await app.CreateIntegrationAsync("fake-apikey");
        var connectionId = await app.ConnectApiKeyAsync("fake-apikey", await app.CreateSessionTokenAsync());
        var database = app.Services.GetRequiredService<Database>();
        await using var connection = await database.OpenAsync(Server.Cancellation);
        var connectionRef = await connection.ExecuteScalarAsync<long>("SELECT id FROM connections WHERE connection_id = @connectionId", new { connectionId });
        var newer = DateTimeOffset.UtcNow.AddHours(1);
        var older = newer.AddMinutes(-10);

        // Two instances: one saw a fetch ten minutes after the other, and flushes first.
        var newerInstance = new FetchStamps(database, new FakeTimeProvider(newer), NullLogger<FetchStamps>.Instance);
        var olderInstance = new FetchStamps(database, new FakeTimeProvider(older), NullLogger<FetchStamps>.Instance);
        newerInstance.Note(connectionRef);
        olderInstance.Note(connectionRef);
        await newerInstance.FlushAsync(Server.Cancellation);
        await olderInstance.FlushAsync(Server.Cancellation);

        Assert.Equal(newer.ToUnixTimeMilliseconds(), await connection.ExecuteScalarAsync<long>(
            "SELECT fetched_at FROM connection_fetches WHERE connection_ref = @connectionRef", new { connectionRef }));
    }
}
