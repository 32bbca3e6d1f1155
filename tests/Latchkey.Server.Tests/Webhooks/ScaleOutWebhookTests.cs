namespace Latchkey.Server.Tests.Webhooks;

public sealed class ScaleOutWebhookTests
{
    [Fact]
    public async Task TwoInstances_OnOneDatabase_DeliverEachWebhookExactlyOnce()
    {
        Assert.SkipUnless(TestDatabases.UsesPostgres, "Instances share a database on PostgreSQL only (set LATCHKEY_TEST_POSTGRES).");
        const int Connections = 12;
        await using var receiver = await WebhookReceiver.StartAsync();
        // Both dispatchers poll every 10 ms, so they race for every delivery.
        await using var first = await Server.StartAsync(new Dictionary<string, string?> { ["LATCHKEY_WEBHOOK_POLL_MS"] = "10" });
        await using var second = await first.StartAnotherInstanceAsync();
        var patched = await first.Backend.PatchAsJsonAsync("/environment", new { webhook = new { primary_url = receiver.Url } }, Server.Cancellation);
        await first.Http.EnsureSuccessAsync(patched);
        await first.CreateIntegrationAsync("fake-apikey");

        // Two sessions: one may create at most LATCHKEY_SESSION_MAX_CONNECTIONS (10 by default).
        string[] tokens = [await first.CreateSessionTokenAsync(), await first.CreateSessionTokenAsync()];
        // One connection at a time, alternating instances: the race under test is the two dispatchers'. Twelve
        // concurrent connect flows on test pools of five connections starved a pool for its 15 s wait (see the
        // closing note of 2026-11-30), which delayed two deliveries by their 90 s claim.
        var created = new List<string>();
        for (var i = 0; i < Connections; i++)
        {
            created.Add(await (i % 2 == 0 ? first : second).ConnectApiKeyAsync("fake-apikey", tokens[i / 6]));
        }

        await receiver.WaitForAcceptedAsync(Connections);
        await Task.Delay(TimeSpan.FromSeconds(1), Server.Cancellation); // room for a duplicate to arrive

        Assert.Equal(Connections, receiver.All.Count);
        Assert.Equal(Connections, receiver.All.Select(hook => hook.Header("X-Latchkey-Event-Id")).Distinct().Count());
        Assert.Equal(created.Order(StringComparer.Ordinal),
            receiver.All.Select(hook => System.Text.Json.Nodes.JsonNode.Parse(hook.Body)!["connectionId"]!.GetValue<string>()).Order(StringComparer.Ordinal));
    }
}
