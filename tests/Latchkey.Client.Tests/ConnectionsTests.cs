using System.Net;
using System.Text.Json.Nodes;

namespace Latchkey.Client.Tests;

public sealed class ConnectionsTests
{
    [Fact]
    public async Task GetConnection_OfAnApiKeyConnection_ReturnsTypedCredentials_ThatNeverPrint()
    {
        await using var app = await Server.StartAsync();
        await app.CreateIntegrationAsync("fake-apikey");
        var connectionId = await app.ConnectApiKeyAsync("fake-apikey", await app.CreateSessionTokenAsync());
        var client = Server.ClientFor(app);

        var connection = await client.GetConnectionAsync("fake-apikey", connectionId, new GetConnectionOptions { ForceRefresh = true }, Server.Cancellation);

        Assert.Equal(connectionId, connection.ConnectionId);
        Assert.Equal("fake-apikey", connection.ProviderConfigKey);
        Assert.Equal("fake-apikey", connection.Provider);
        Assert.Equal("user-1", connection.EndUser?.Id);
        Assert.Equal("ada@example.com", connection.EndUser?.Email);
        Assert.NotNull(connection.LastFetchedAt);
        Assert.Empty(connection.Errors);
        var credentials = Assert.IsType<ApiKeyCredentials>(connection.Credentials);
        Assert.Equal(FakeProvider.GoodApiKey, credentials.ApiKey);
        Assert.Equal("API_KEY", credentials.Type);
        Assert.DoesNotContain(FakeProvider.GoodApiKey, credentials.ToString(), StringComparison.Ordinal);
        Assert.DoesNotContain(FakeProvider.GoodApiKey, connection.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task GetConnection_OfOAuth2Credentials_HasTokenExpiryAndRaw_AndTheRefreshTokenOnlyWhenAsked()
    {
        await using var app = await Server.StartAsync();
        await ImportOAuth2Async(app, "imported-1");
        var client = Server.ClientFor(app);

        var plain = await client.GetConnectionAsync("fake-oauth2", "imported-1", cancellationToken: Server.Cancellation);
        var withRefresh = await client.GetConnectionAsync("fake-oauth2", "imported-1", new GetConnectionOptions { RefreshToken = true }, Server.Cancellation);

        var oauth = Assert.IsType<OAuth2Credentials>(plain.Credentials);
        Assert.Equal("at-imported", oauth.AccessToken);
        Assert.Null(oauth.RefreshToken);
        Assert.Equal(new DateTimeOffset(2099, 1, 1, 0, 0, 0, TimeSpan.Zero), oauth.ExpiresAt);
        Assert.Equal("read", oauth.Raw["scope"]!.GetValue<string>());
        Assert.Equal("pro", plain.Metadata?["plan"]?.GetValue<string>());
        Assert.Equal("rt-imported", Assert.IsType<OAuth2Credentials>(withRefresh.Credentials).RefreshToken);
        Assert.DoesNotContain("at-imported", oauth.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task GetConnection_Unknown_Is404NotFound_AndAnUnknownIntegration_UnknownProviderConfig()
    {
        await using var app = await Server.StartAsync();
        await app.CreateIntegrationAsync("fake-apikey");
        var client = Server.ClientFor(app);

        var missing = await Assert.ThrowsAsync<LatchkeyApiException>(() => client.GetConnectionAsync("fake-apikey", "nope", cancellationToken: Server.Cancellation));
        var noIntegration = await Assert.ThrowsAsync<LatchkeyApiException>(() => client.GetConnectionAsync("nope", "nope", cancellationToken: Server.Cancellation));

        Assert.Equal((HttpStatusCode.NotFound, "not_found"), (missing.StatusCode, missing.Code));
        Assert.Contains("nope", missing.Message, StringComparison.Ordinal);
        Assert.Equal((HttpStatusCode.BadRequest, "unknown_provider_config"), (noIntegration.StatusCode, noIntegration.Code));
    }

    [Fact]
    public async Task ListConnections_AppliesEveryFilter_NewestFirst()
    {
        await using var app = await Server.StartAsync();
        await app.CreateIntegrationAsync("fake-apikey");
        await app.CreateIntegrationAsync("fake-noverify");
        var ada = await app.ConnectApiKeyAsync("fake-apikey", await app.CreateSessionTokenAsync(new { end_user = new { id = "ada", display_name = "Ada Lovelace" }, organization = new { id = "org-a" }, tags = new { team = "red" } }));
        var bob = await app.ConnectApiKeyAsync("fake-apikey", await app.CreateSessionTokenAsync(new { end_user = new { id = "bob" }, tags = new { team = "blue" } }));
        var carl = await app.ConnectApiKeyAsync("fake-noverify", await app.CreateSessionTokenAsync(new { end_user = new { id = "carl" }, tags = new { team = "red" } }));
        var client = Server.ClientFor(app);

        async Task<string[]> IdsAsync(ListConnectionsQuery? query) =>
            (await client.ListConnectionsAsync(query, Server.Cancellation)).Select(c => c.ConnectionId).ToArray();

        Assert.Equal([carl, bob, ada], await IdsAsync(null));
        Assert.Equal([bob, ada], await IdsAsync(new ListConnectionsQuery { IntegrationIds = ["fake-apikey"] }));
        Assert.Equal([carl, ada], await IdsAsync(new ListConnectionsQuery { Tags = new Dictionary<string, string> { ["team"] = "red" } }));
        Assert.Equal([carl], await IdsAsync(new ListConnectionsQuery { Tags = new Dictionary<string, string> { ["team"] = "red" }, IntegrationIds = ["fake-noverify", "other"] }));
        Assert.Equal([bob], await IdsAsync(new ListConnectionsQuery { EndUserId = "bob" }));
        Assert.Equal([ada], await IdsAsync(new ListConnectionsQuery { EndUserOrganizationId = "org-a" }));
        Assert.Equal([ada], await IdsAsync(new ListConnectionsQuery { Search = "lovelace" }));
        Assert.Equal([ada], await IdsAsync(new ListConnectionsQuery { ConnectionId = ada }));
        Assert.Equal([bob], await IdsAsync(new ListConnectionsQuery { Limit = 1, Page = 1 }));
        var first = (await client.ListConnectionsAsync(new ListConnectionsQuery { ConnectionId = ada }, Server.Cancellation))[0];
        Assert.Equal(("fake-apikey", "ada", "red"), (first.ProviderConfigKey, first.EndUser?.Id, first.Tags["team"]));
        Assert.True(first.Created > DateTimeOffset.UtcNow.AddMinutes(-5));
        var badLimit = await Assert.ThrowsAsync<LatchkeyApiException>(() => client.ListConnectionsAsync(new ListConnectionsQuery { Limit = 0 }, Server.Cancellation));
        Assert.Equal("invalid_query_params", badLimit.Code);
    }

    [Fact]
    public async Task DeleteConnection_DeletesOnce_ThenIsUnknownConnection()
    {
        await using var app = await Server.StartAsync();
        await app.CreateIntegrationAsync("fake-apikey");
        var connectionId = await app.ConnectApiKeyAsync("fake-apikey", await app.CreateSessionTokenAsync());
        var client = Server.ClientFor(app);

        var deleted = await client.DeleteConnectionAsync("fake-apikey", connectionId, Server.Cancellation);
        var again = await Assert.ThrowsAsync<LatchkeyApiException>(() => client.DeleteConnectionAsync("fake-apikey", connectionId, Server.Cancellation));
        var read = await Assert.ThrowsAsync<LatchkeyApiException>(() => client.GetConnectionAsync("fake-apikey", connectionId, cancellationToken: Server.Cancellation));

        Assert.True(deleted);
        Assert.Equal((HttpStatusCode.BadRequest, "unknown_connection"), (again.StatusCode, again.Code));
        Assert.Equal(HttpStatusCode.NotFound, read.StatusCode);
    }

    [Fact]
    public async Task PatchConnection_ChangesEndUserTagsAndWebhookOverride()
    {
        await using var app = await Server.StartAsync();
        await app.CreateIntegrationAsync("fake-apikey");
        var connectionId = await app.ConnectApiKeyAsync("fake-apikey", await app.CreateSessionTokenAsync());
        var client = Server.ClientFor(app);

        await client.PatchConnectionAsync("fake-apikey", connectionId, new PatchConnectionRequest
        {
            EndUser = new EndUser { Id = "grace", Email = "grace@example.com" },
            Tags = new Dictionary<string, string> { ["team"] = "green" },
            WebhookUrlOverride = "https://hooks.example.com/latchkey",
        }, Server.Cancellation);
        var patched = await client.GetConnectionAsync("fake-apikey", connectionId, cancellationToken: Server.Cancellation);
        var unknown = await Assert.ThrowsAsync<LatchkeyApiException>(() =>
            client.PatchConnectionAsync("fake-apikey", "nope", new PatchConnectionRequest { Tags = new Dictionary<string, string> { ["a"] = "b" } }, Server.Cancellation));

        Assert.Equal("grace", patched.EndUser?.Id);
        Assert.Equal("green", patched.Tags["team"]);
        Assert.Equal("https://hooks.example.com/latchkey", patched.WebhookUrlOverride);
        Assert.Equal((HttpStatusCode.NotFound, "not_found"), (unknown.StatusCode, unknown.Code));
    }

    [Fact]
    public async Task SetMetadata_Replaces_UpdateMetadata_Merges_AndAnUnknownConnectionChangesNothing()
    {
        await using var app = await Server.StartAsync();
        await app.CreateIntegrationAsync("fake-apikey");
        var one = await app.ConnectApiKeyAsync("fake-apikey", await app.CreateSessionTokenAsync());
        var two = await app.ConnectApiKeyAsync("fake-apikey", await app.CreateSessionTokenAsync(new { end_user = new { id = "user-2" } }));
        var client = Server.ClientFor(app);

        await client.SetMetadataAsync("fake-apikey", [one, two], new JsonObject { ["plan"] = "pro", ["seats"] = 3 }, Server.Cancellation);
        await client.UpdateMetadataAsync("fake-apikey", [one], new JsonObject { ["seats"] = 5 }, Server.Cancellation);
        await client.SetMetadataAsync("fake-apikey", [two], new JsonObject { ["fresh"] = true }, Server.Cancellation);
        var unknown = await Assert.ThrowsAsync<LatchkeyApiException>(() =>
            client.UpdateMetadataAsync("fake-apikey", [one, "nope"], new JsonObject { ["seats"] = 99 }, Server.Cancellation));

        var first = await client.GetConnectionAsync("fake-apikey", one, cancellationToken: Server.Cancellation);
        var second = await client.GetConnectionAsync("fake-apikey", two, cancellationToken: Server.Cancellation);
        Assert.Equal("""{"plan":"pro","seats":5}""", first.Metadata?.ToJsonString());
        Assert.Equal("""{"fresh":true}""", second.Metadata?.ToJsonString());
        Assert.Equal((HttpStatusCode.NotFound, "unknown_connection"), (unknown.StatusCode, unknown.Code));
    }

    internal static async Task ImportOAuth2Async(TestApp app, string connectionId)
    {
        await app.CreateIntegrationAsync("fake-oauth2", credentials: new { type = "OAUTH2", client_id = FakeProvider.ClientId, client_secret = FakeProvider.ClientSecret, scopes = "read" });
        var imported = await app.Backend.PostAsJsonAsync("/connections", new
        {
            provider_config_key = "fake-oauth2",
            connection_id = connectionId,
            credentials = new { type = "OAUTH2", access_token = "at-imported", refresh_token = "rt-imported", expires_at = "2099-01-01T00:00:00Z", raw = new { scope = "read" } },
            metadata = new { plan = "pro" },
        }, Server.Cancellation);
        await app.Http.EnsureSuccessAsync(imported);
    }
}
