using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using Latchkey.Server.Connections;

namespace Latchkey.Server.Tests.Connections;

public sealed class ConnectionsTests
{
    [Fact]
    public async Task Get_ReturnsTheObjectAtTopLevel_WithTheSpecFields()
    {
        await using var app = await Server.StartAsync();
        await app.CreateIntegrationAsync("fake-apikey");
        var connectionId = await app.ConnectApiKeyAsync("fake-apikey", await app.CreateSessionTokenAsync());

        var response = await app.Backend.GetAsync(
            $"/connections/{connectionId}?provider_config_key=fake-apikey&force_refresh=false&refresh_token=false&refresh_github_app_jwt_token=false", Server.Cancellation);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var connection = await response.JsonAsync();
        foreach (var field in new[] { "id", "connection_id", "provider_config_key", "provider", "errors", "end_user", "tags", "metadata", "connection_config", "webhook_url_override", "created_at", "updated_at", "last_fetched_at", "credentials" })
        {
            Assert.True(connection.ContainsKey(field), $"missing {field}");
        }

        Assert.Null(connection["data"]);
        Assert.EndsWith("Z", connection["created_at"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Equal("[]", connection["errors"]!.ToJsonString());
    }

    [Fact]
    public async Task Get_OldDeprecatedPath_BehavesTheSame()
    {
        await using var app = await Server.StartAsync();
        await app.CreateIntegrationAsync("fake-apikey");
        var connectionId = await app.ConnectApiKeyAsync("fake-apikey", await app.CreateSessionTokenAsync());

        var response = await app.Backend.GetAsync($"/connection/{connectionId}?provider_config_key=fake-apikey", Server.Cancellation);

        Assert.Equal(connectionId, (await response.JsonAsync())["connection_id"]!.GetValue<string>());
    }

    [Fact]
    public async Task Get_Errors_AreClear()
    {
        await using var app = await Server.StartAsync();
        await app.CreateIntegrationAsync("fake-apikey");

        var noKey = await app.Backend.GetAsync("/connections/x", Server.Cancellation);
        var unknownIntegration = await app.Backend.GetAsync("/connections/x?provider_config_key=nope", Server.Cancellation);
        var unknownConnection = await app.Backend.GetAsync("/connections/x?provider_config_key=fake-apikey", Server.Cancellation);
        var badBool = await app.Backend.GetAsync("/connections/x?provider_config_key=fake-apikey&force_refresh=maybe", Server.Cancellation);
        var extra = await app.Backend.GetAsync("/connections/x?provider_config_key=fake-apikey&surprise=1", Server.Cancellation);

        Assert.Equal("invalid_query_params", await noKey.ErrorCodeAsync());
        Assert.Equal((HttpStatusCode.BadRequest, "unknown_provider_config"), (unknownIntegration.StatusCode, await unknownIntegration.ErrorCodeAsync()));
        Assert.Equal((HttpStatusCode.NotFound, "not_found"), (unknownConnection.StatusCode, await unknownConnection.ErrorCodeAsync()));
        Assert.Equal("invalid_query_params", await badBool.ErrorCodeAsync());
        Assert.Equal("invalid_query_params", await extra.ErrorCodeAsync());
    }

    [Fact]
    public async Task ImportedOAuth2Credentials_HideRefreshTokensUnlessAsked()
    {
        await using var app = await Server.StartAsync();
        await app.CreateIntegrationAsync("fake-oauth2", credentials: new { type = "OAUTH2", client_id = FakeProvider.ClientId, client_secret = FakeProvider.ClientSecret, scopes = "read" });
        var imported = await app.Backend.PostAsJsonAsync("/connections", new
        {
            provider_config_key = "fake-oauth2",
            connection_id = "imported-1",
            credentials = new { type = "OAUTH2", access_token = "at-imported", refresh_token = "rt-imported", expires_at = "2099-01-01T00:00:00Z", raw = new { refresh_token = "rt-imported", scope = "read" } },
            connection_config = new { refreshToken = "hidden-too", keep = "yes" },
            metadata = new { plan = "pro" },
        }, Server.Cancellation);

        var plain = await (await app.Backend.GetAsync("/connections/imported-1?provider_config_key=fake-oauth2", Server.Cancellation)).JsonAsync();
        var withRefresh = await (await app.Backend.GetAsync("/connections/imported-1?provider_config_key=fake-oauth2&refresh_token=true", Server.Cancellation)).JsonAsync();

        Assert.Equal(HttpStatusCode.Created, imported.StatusCode);
        Assert.Equal("at-imported", plain["credentials"]!["access_token"]!.GetValue<string>());
        Assert.DoesNotContain("rt-imported", plain.ToJsonString(), StringComparison.Ordinal);
        Assert.DoesNotContain("hidden-too", plain.ToJsonString(), StringComparison.Ordinal);
        Assert.Equal("yes", plain["connection_config"]!["keep"]!.GetValue<string>());
        Assert.Equal("rt-imported", withRefresh["credentials"]!["refresh_token"]!.GetValue<string>());
        Assert.Equal("2099-01-01T00:00:00.000Z", plain["credentials"]!["expires_at"]!.GetValue<string>());
        Assert.Equal("pro", plain["metadata"]!["plan"]!.GetValue<string>());
    }

    [Fact]
    public async Task Import_OfApiKeyCredentials_IsVerifiedFirst()
    {
        await using var app = await Server.StartAsync();
        await app.CreateIntegrationAsync("fake-apikey");

        var bad = await app.Backend.PostAsJsonAsync("/connections", new { provider_config_key = "fake-apikey", credentials = new { type = "API_KEY", apiKey = "nope" } }, Server.Cancellation);
        var wrongType = await app.Backend.PostAsJsonAsync("/connections", new { provider_config_key = "fake-apikey", credentials = new { type = "BASIC", username = "a", password = "b" } }, Server.Cancellation);
        var unknown = await app.Backend.PostAsJsonAsync("/connections", new { provider_config_key = "nope", credentials = new { type = "API_KEY", apiKey = "k" } }, Server.Cancellation);

        Assert.Equal("connection_test_failed", await bad.ErrorCodeAsync());
        Assert.Equal("invalid_body", await wrongType.ErrorCodeAsync());
        Assert.Equal((HttpStatusCode.NotFound, "not_found"), (unknown.StatusCode, await unknown.ErrorCodeAsync()));
    }

    [Fact]
    public async Task List_FiltersByIntegrationTagsEndUserAndSearch_NewestFirst()
    {
        await using var app = await Server.StartAsync();
        await app.CreateIntegrationAsync("fake-apikey");
        await app.CreateIntegrationAsync("fake-noverify");
        var ada = await app.ConnectApiKeyAsync("fake-apikey", await app.CreateSessionTokenAsync(new { end_user = new { id = "ada", display_name = "Ada Lovelace" }, tags = new { team = "red" } }));
        var bob = await app.ConnectApiKeyAsync("fake-apikey", await app.CreateSessionTokenAsync(new { end_user = new { id = "bob" }, tags = new { team = "blue" } }));
        var carl = await app.ConnectApiKeyAsync("fake-noverify", await app.CreateSessionTokenAsync(new { tags = new { end_user_id = "carl", team = "red" } }));

        Assert.Equal([carl, bob, ada], await IdsAsync(app, ""));
        Assert.Equal([bob, ada], await IdsAsync(app, "?integrationId=fake-apikey"));
        Assert.Equal([carl, ada], await IdsAsync(app, "?tags[team]=red"));
        Assert.Equal([carl], await IdsAsync(app, "?tags%5Bteam%5D=red&integrationId=fake-noverify,other"));
        Assert.Equal([bob], await IdsAsync(app, "?endUserId=bob"));
        Assert.Equal([carl], await IdsAsync(app, "?endUserId=carl"));
        Assert.Equal([ada], await IdsAsync(app, "?search=lovelace"));
        Assert.Equal([bob], await IdsAsync(app, "?limit=1&page=1"));
        Assert.Equal([ada], await IdsAsync(app, $"?connectionId={ada}"));
        Assert.Equal("invalid_query_params", await (await app.Backend.GetAsync("/connections?limit=0", Server.Cancellation)).ErrorCodeAsync());
    }

    [Fact]
    public async Task Delete_SoftDeletes_AndUnknownIsUnknownConnection()
    {
        await using var app = await Server.StartAsync();
        await app.CreateIntegrationAsync("fake-apikey");
        var connectionId = await app.ConnectApiKeyAsync("fake-apikey", await app.CreateSessionTokenAsync());

        var deleted = await app.Backend.DeleteAsync($"/connections/{connectionId}?provider_config_key=fake-apikey", Server.Cancellation);
        var again = await app.Backend.DeleteAsync($"/connections/{connectionId}?provider_config_key=fake-apikey", Server.Cancellation);
        var read = await app.Backend.GetAsync($"/connections/{connectionId}?provider_config_key=fake-apikey", Server.Cancellation);

        Assert.True((await deleted.JsonAsync())["success"]!.GetValue<bool>());
        Assert.Equal((HttpStatusCode.BadRequest, "unknown_connection"), (again.StatusCode, await again.ErrorCodeAsync()));
        Assert.Equal(HttpStatusCode.NotFound, read.StatusCode);
    }

    [Fact]
    public async Task Patch_SetsEndUserTagsAndWebhookOverride()
    {
        await using var app = await Server.StartAsync();
        await app.CreateIntegrationAsync("fake-apikey");
        var connectionId = await app.ConnectApiKeyAsync("fake-apikey", await app.CreateSessionTokenAsync());
        var url = $"/connections/{connectionId}?provider_config_key=fake-apikey";

        var patched = await app.Backend.PatchAsJsonAsync(url, new { end_user = new { id = "new-user", email = "n@example.com" }, tags = new { Region = "eu" }, webhook_url_override = "https://hooks.example.com/x" }, Server.Cancellation);
        var after = await (await app.Backend.GetAsync(url, Server.Cancellation)).JsonAsync();
        var cleared = await app.Backend.PatchAsJsonAsync(url, new { webhook_url_override = "" }, Server.Cancellation);
        var bad = await app.Backend.PatchAsJsonAsync(url, new { nickname = "x" }, Server.Cancellation);

        Assert.True((await patched.JsonAsync())["success"]!.GetValue<bool>());
        Assert.Equal("new-user", after["end_user"]!["id"]!.GetValue<string>());
        Assert.Equal("new-user", after["tags"]!["end_user_id"]!.GetValue<string>());
        Assert.Equal("eu", after["tags"]!["region"]!.GetValue<string>());
        Assert.Equal("https://hooks.example.com/x", after["webhook_url_override"]!.GetValue<string>());
        Assert.Equal(HttpStatusCode.OK, cleared.StatusCode);
        Assert.Null((await (await app.Backend.GetAsync(url, Server.Cancellation)).JsonAsync())["webhook_url_override"]);
        Assert.Equal("invalid_body", await bad.ErrorCodeAsync());
    }

    [Fact]
    public async Task Metadata_ReplaceMerge_AndAllOrNothing()
    {
        await using var app = await Server.StartAsync();
        await app.CreateIntegrationAsync("fake-apikey");
        var token = await app.CreateSessionTokenAsync();
        var first = await app.ConnectApiKeyAsync("fake-apikey", token);
        var second = await app.ConnectApiKeyAsync("fake-apikey", token);

        var set = await app.Backend.PostAsJsonAsync("/connections/metadata", new { connection_id = new[] { first, second }, provider_config_key = "fake-apikey", metadata = new { a = 1, b = 2 } }, Server.Cancellation);
        var merged = await app.Backend.PatchAsJsonAsync("/connections/metadata", new { connection_id = first, provider_config_key = "fake-apikey", metadata = new { b = 3, c = 4 } }, Server.Cancellation);
        var partial = await app.Backend.PostAsJsonAsync("/connections/metadata", new { connection_id = new[] { second, "missing" }, provider_config_key = "fake-apikey", metadata = new { z = 1 } }, Server.Cancellation);

        Assert.Equal(HttpStatusCode.Created, set.StatusCode);
        Assert.Equal("fake-apikey", (await set.JsonAsync())["provider_config_key"]!.GetValue<string>());
        Assert.Equal(HttpStatusCode.OK, merged.StatusCode);
        Assert.Equal((HttpStatusCode.NotFound, "unknown_connection"), (partial.StatusCode, await partial.ErrorCodeAsync()));
        Assert.Equal("""{"a":1,"b":3,"c":4}""", (await MetadataAsync(app, first)).ToJsonString());
        Assert.Equal("""{"a":1,"b":2}""", (await MetadataAsync(app, second)).ToJsonString());
    }

    [Fact]
    public async Task LastFetchedAt_IsRecordedOffTheRequestPath()
    {
        await using var app = await Server.StartAsync();
        await app.CreateIntegrationAsync("fake-apikey");
        var connectionId = await app.ConnectApiKeyAsync("fake-apikey", await app.CreateSessionTokenAsync());

        var read = await (await app.Backend.GetAsync($"/connections/{connectionId}?provider_config_key=fake-apikey", Server.Cancellation)).JsonAsync();
        await app.Services.GetRequiredService<FetchStamps>().FlushAsync(Server.Cancellation);
        var stored = await app.Services.GetRequiredService<ConnectionStore>().FindAsync(1, "fake-apikey", connectionId, Server.Cancellation);

        Assert.NotNull(read["last_fetched_at"]);
        Assert.NotNull(stored!.LastFetchedAt);
    }

    [Fact]
    public async Task BadMetadataBodies_AreInvalidBody()
    {
        await using var app = await Server.StartAsync();

        var noMetadata = await app.Backend.PostAsync("/connections/metadata", new StringContent("""{"connection_id":"x","provider_config_key":"k"}""", Encoding.UTF8, "application/json"), Server.Cancellation);
        var notObject = await app.Backend.PostAsync("/connections/metadata", new StringContent("""{"connection_id":"x","provider_config_key":"k","metadata":[1]}""", Encoding.UTF8, "application/json"), Server.Cancellation);

        Assert.Equal("invalid_body", await noMetadata.ErrorCodeAsync());
        Assert.Equal("invalid_body", await notObject.ErrorCodeAsync());
    }

    private static async Task<string[]> IdsAsync(TestApp app, string query)
    {
        var list = await (await app.Backend.GetAsync("/connections" + query, Server.Cancellation)).JsonAsync();
        return list["connections"]!.AsArray().Select(c => c!["connection_id"]!.GetValue<string>()).ToArray();
    }

    private static async Task<JsonNode> MetadataAsync(TestApp app, string connectionId) =>
        (await (await app.Backend.GetAsync($"/connections/{connectionId}?provider_config_key=fake-apikey", Server.Cancellation)).JsonAsync())["metadata"]!;
}
