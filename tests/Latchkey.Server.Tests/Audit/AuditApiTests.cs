using System.Net;
using System.Net.Http.Headers;
using System.Text.Json.Nodes;
using Dapper;
using Latchkey.Server.Audit;
using Latchkey.Server.Storage;
using Microsoft.Extensions.Time.Testing;

namespace Latchkey.Server.Tests.Audit;

/// <summary>Changes made through the API land in the audit trail; <c>GET /audit</c> lists them with the secret key only.</summary>
public sealed class AuditApiTests
{
    private const string ClientSecret = "client-secret-that-must-never-be-audited";

    [Fact]
    public async Task ApiChanges_AreRecorded_WithTheKeyAsActor_TheIp_AndWhatChanged()
    {
        await using var app = await Server.StartAsync();
        await app.CreateIntegrationAsync("fake-oauth2", "crm", new { type = "OAUTH2", client_id = "id-1", client_secret = ClientSecret, scopes = "read" });
        await Ok(app, await app.Backend.PatchAsJsonAsync("/integrations/crm", new { display_name = "CRM", credentials = new { type = "OAUTH2", client_id = "id-2", client_secret = ClientSecret + "-2" } }, Server.Cancellation));
        await Ok(app, await app.Backend.GetAsync("/integrations/crm?include=credentials", Server.Cancellation));
        await Ok(app, await app.Backend.PatchAsJsonAsync("/environment", new { callback_url = "https://example.com/callback" }, Server.Cancellation));
        var rotated = await app.Backend.PostAsync("/environment/webhook-signing-key", null, Server.Cancellation);
        var signingKey = (await rotated.JsonAsync())["data"]!["signing_key"]!.GetValue<string>();
        await Ok(app, await app.Backend.DeleteAsync("/environment/webhook-signing-key", Server.Cancellation));
        await app.CreateIntegrationAsync("fake-apikey");
        var connectionId = await app.ConnectApiKeyAsync("fake-apikey", await app.CreateSessionTokenAsync());
        await Ok(app, await app.Backend.DeleteAsync($"/connections/{connectionId}?provider_config_key=fake-apikey", Server.Cancellation));
        await Ok(app, await app.Backend.DeleteAsync("/integrations/crm", Server.Cancellation));

        var list = await app.Backend.GetAsync("/audit?limit=100", Server.Cancellation);
        var body = await list.Content.ReadAsStringAsync(Server.Cancellation);
        var entries = JsonNode.Parse(body)!["data"]!.AsArray().Select(e => e!.AsObject()).Reverse().ToList();

        Assert.Equal(HttpStatusCode.OK, list.StatusCode);
        Assert.Equal(
            [AuditActions.IntegrationCreated, AuditActions.IntegrationUpdated, AuditActions.IntegrationCredentialsRevealed, AuditActions.SettingsUpdated,
                AuditActions.SigningKeyRotated, AuditActions.SigningKeyRemoved, AuditActions.IntegrationCreated, AuditActions.ConnectionDeleted, AuditActions.IntegrationDeleted],
            entries.Select(e => e["action"]!.GetValue<string>()));
        Assert.All(entries, e =>
        {
            Assert.Equal("secret key dev", e["actor"]!.GetValue<string>());
            Assert.Equal("secret_key", e["actor_type"]!.GetValue<string>());
            Assert.Equal("127.0.0.1", e["ip"]!.GetValue<string>());
            Assert.Equal("dev", e["environment"]!.GetValue<string>());
            Assert.EndsWith("Z", e["at"]!.GetValue<string>(), StringComparison.Ordinal);
        });
        var update = entries[1]["changes"]!;
        Assert.Equal("id-1", update["client_id"]!["from"]!.GetValue<string>());
        Assert.Equal("id-2", update["client_id"]!["to"]!.GetValue<string>());
        Assert.Equal("CRM", update["display_name"]!["to"]!.GetValue<string>());
        Assert.Equal("changed", update["client_secret"]!.GetValue<string>());
        Assert.Equal("set", entries[0]["changes"]!["client_secret"]!.GetValue<string>());
        Assert.Equal("https://example.com/callback", entries[3]["changes"]!["callback_url"]!["to"]!.GetValue<string>());
        Assert.Equal(connectionId, entries[7]["target"]!.GetValue<string>());
        foreach (var secret in new[] { ClientSecret, app.SecretKey, signingKey, FakeProvider.GoodApiKey })
        {
            Assert.DoesNotContain(secret, body, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task List_NeedsTheSecretKey_AndSeesOnlyItsOwnEnvironment()
    {
        await using var app = await Server.StartAsync();
        await app.CreateIntegrationAsync("fake-apikey");
        using var prod = new HttpClient { BaseAddress = new Uri(app.BaseUrl) };
        prod.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", app.ProdSecretKey);
        using var session = new HttpClient { BaseAddress = new Uri(app.BaseUrl) };
        session.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", await app.CreateSessionTokenAsync());

        var anonymous = await app.Http.GetAsync("/audit", Server.Cancellation);
        var withSession = await session.GetAsync("/audit", Server.Cancellation);
        var prodList = await (await prod.GetAsync("/audit", Server.Cancellation)).JsonAsync();
        var devList = await (await app.Backend.GetAsync("/audit", Server.Cancellation)).JsonAsync();

        Assert.Equal(HttpStatusCode.Unauthorized, anonymous.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, withSession.StatusCode);
        Assert.Empty(prodList["data"]!.AsArray());
        Assert.Single(devList["data"]!.AsArray());
    }

    [Fact]
    public async Task List_FiltersByActionActorAndDate_AndPagesWithTheCursor()
    {
        var clock = new FakeTimeProvider(new DateTimeOffset(2025, 5, 1, 12, 0, 0, TimeSpan.Zero));
        await using var app = await Server.StartAsync(clock: clock);
        var trail = app.Services.GetRequiredService<AuditTrail>();
        var dev = (await app.Services.GetRequiredService<Latchkey.Server.Environments.EnvironmentStore>().FindBySecretKeyAsync(app.SecretKey, Server.Cancellation))!.Id;
        var ada = new AuditActor("ada@example.com", AuditActor.UserType, "10.0.0.1");
        var bob = new AuditActor("bob@example.com", AuditActor.UserType, "10.0.0.2");
        await trail.RecordAsync(ada, AuditActions.LoginSucceeded, null, null, Server.Cancellation);
        clock.Advance(TimeSpan.FromDays(1));
        await trail.RecordAsync(bob, AuditActions.IntegrationCreated, dev, "crm", Server.Cancellation);
        await trail.RecordAsync(ada, AuditActions.IntegrationDeleted, dev, "crm", Server.Cancellation);

        async Task<string[]> Actions(string query) =>
            (await (await app.Backend.GetAsync("/audit" + query, Server.Cancellation)).JsonAsync())["data"]!.AsArray().Select(e => e!["action"]!.GetValue<string>()).ToArray();

        Assert.Equal([AuditActions.IntegrationDeleted, AuditActions.IntegrationCreated, AuditActions.LoginSucceeded], await Actions(""));
        Assert.Equal([AuditActions.IntegrationCreated], await Actions("?action=integration.created"));
        Assert.Equal([AuditActions.IntegrationDeleted, AuditActions.LoginSucceeded], await Actions("?actor=ADA@"));
        Assert.Equal([AuditActions.LoginSucceeded], await Actions("?to=2025-05-01"));
        Assert.Equal([AuditActions.IntegrationDeleted, AuditActions.IntegrationCreated], await Actions("?from=2025-05-02"));
        Assert.Equal([AuditActions.LoginSucceeded], await Actions("?from=2025-05-01T11:00:00Z&to=2025-05-01T13:00:00Z"));

        var first = await (await app.Backend.GetAsync("/audit?limit=2", Server.Cancellation)).JsonAsync();
        var cursor = first["next_cursor"]!.GetValue<string>();
        var second = await (await app.Backend.GetAsync($"/audit?limit=2&cursor={cursor}", Server.Cancellation)).JsonAsync();
        Assert.Equal(2, first["data"]!.AsArray().Count);
        Assert.Equal(AuditActions.LoginSucceeded, second["data"]![0]!["action"]!.GetValue<string>());
        Assert.Null(second["next_cursor"]);
    }

    [Theory]
    [InlineData("?action=integration.exploded")]
    [InlineData("?from=yesterday")]
    [InlineData("?limit=0")]
    [InlineData("?cursor=abc")]
    [InlineData("?who=ada")]
    public async Task List_RefusesBadFilters_WithInvalidQueryParams(string query)
    {
        await using var app = await Server.StartAsync();

        var response = await app.Backend.GetAsync("/audit" + query, Server.Cancellation);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("invalid_query_params", await response.ErrorCodeAsync());
    }

    [Fact]
    public async Task Entries_AreAppendOnly_TheDatabaseRefusesAnUpdate()
    {
        await using var app = await Server.StartAsync();
        await app.CreateIntegrationAsync("fake-apikey");
        var database = app.Services.GetRequiredService<Database>();
        await using var connection = await database.OpenAsync(Server.Cancellation);

        var update = () => connection.ExecuteAsync(new CommandDefinition("UPDATE audit_entries SET actor = 'someone else'", cancellationToken: Server.Cancellation));

        var refused = await Assert.ThrowsAnyAsync<System.Data.Common.DbException>(update);
        Assert.Contains("append-only", refused.Message, StringComparison.Ordinal);
        Assert.Equal("secret key dev", await connection.ExecuteScalarAsync<string>(new CommandDefinition("SELECT actor FROM audit_entries", cancellationToken: Server.Cancellation)));
    }

    [Fact]
    public async Task Purge_DeletesEntriesOlderThanTheRetention_AndKeepsYoungerOnes()
    {
        var clock = new FakeTimeProvider(DateTimeOffset.UtcNow);
        await using var app = await Server.StartAsync(new Dictionary<string, string?> { ["LATCHKEY_AUDIT_RETENTION_DAYS"] = "10" }, clock);
        await app.CreateIntegrationAsync("fake-apikey");
        var purge = app.Services.GetRequiredService<AuditPurge>();

        clock.Advance(TimeSpan.FromDays(9));
        await purge.RunOnceAsync(Server.Cancellation);
        var after9Days = await CountAsync(app);
        clock.Advance(TimeSpan.FromDays(2));
        await purge.RunOnceAsync(Server.Cancellation);

        Assert.Equal(1, after9Days);
        Assert.Equal(0, await CountAsync(app));
    }

    [Theory]
    [InlineData("0")]
    [InlineData("forever")]
    public async Task Retention_OutOfRange_StopsStartUp(string days)
    {
        var refused = await Assert.ThrowsAnyAsync<Exception>(() => Server.StartAsync(new Dictionary<string, string?> { ["LATCHKEY_AUDIT_RETENTION_DAYS"] = days }));

        Assert.Contains("LATCHKEY_AUDIT_RETENTION_DAYS", refused.Message, StringComparison.Ordinal);
    }

    private static async Task<int> CountAsync(TestApp app) =>
        (await (await app.Backend.GetAsync("/audit", Server.Cancellation)).JsonAsync())["data"]!.AsArray().Count;

    private static async Task Ok(TestApp app, HttpResponseMessage response) => await app.Http.EnsureSuccessAsync(response);
}
