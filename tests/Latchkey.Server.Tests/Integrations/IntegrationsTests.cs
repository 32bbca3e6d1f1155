using System.Net;
using System.Text.Json.Nodes;

namespace Latchkey.Server.Tests.Integrations;

public sealed class IntegrationsTests
{
    [Fact]
    public async Task Create_ThenGet_ReturnsThePublicObject_WithoutCredentialsUnlessAsked()
    {
        await using var app = await Server.StartAsync();
        var created = await app.Backend.PostAsJsonAsync("/integrations", new
        {
            provider = "fake-oauth2",
            unique_key = "my-oauth",
            display_name = "My OAuth",
            credentials = new { type = "OAUTH2", client_id = "cid", client_secret = "csecret", scopes = "read,write" },
        }, Server.Cancellation);

        var plain = await app.Backend.GetAsync("/integrations/my-oauth", Server.Cancellation);
        var withCredentials = await app.Backend.GetAsync("/integrations/my-oauth?include=credentials&include=webhook", Server.Cancellation);

        Assert.Equal(HttpStatusCode.OK, created.StatusCode);
        var data = (await plain.JsonAsync())["data"]!;
        Assert.Equal("my-oauth", data["unique_key"]!.GetValue<string>());
        Assert.Equal("fake-oauth2", data["provider"]!.GetValue<string>());
        Assert.Equal("My OAuth", data["display_name"]!.GetValue<string>());
        Assert.Equal($"{app.BaseUrl}/images/template-logos/fake-oauth2.svg", data["logo"]!.GetValue<string>());
        Assert.Null(data["credentials"]);
        var full = (await withCredentials.JsonAsync())["data"]!;
        Assert.Equal("csecret", full["credentials"]!["client_secret"]!.GetValue<string>());
        Assert.Equal("read,write", full["credentials"]!["scopes"]!.GetValue<string>());
        Assert.StartsWith($"{app.BaseUrl}/webhook/", full["webhook_url"]!.GetValue<string>(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task DisplayName_FallsBackToTheProviders()
    {
        await using var app = await Server.StartAsync();
        await app.CreateIntegrationAsync("fake-apikey", "k1");

        var data = (await (await app.Backend.GetAsync("/integrations/k1", Server.Cancellation)).JsonAsync())["data"]!;

        Assert.Equal("Fake API Key", data["display_name"]!.GetValue<string>());
    }

    [Fact]
    public async Task List_IsOrderedByProvider_AndASessionSeesOnlyItsAllowedOnes()
    {
        await using var app = await Server.StartAsync();
        await app.CreateIntegrationAsync("fake-region", "z-region");
        await app.CreateIntegrationAsync("fake-apikey", "a-key");
        await app.CreateIntegrationAsync("fake-basic", "b-basic");
        var token = await app.CreateSessionTokenAsync(new { tags = new { end_user_id = "u1" }, allowed_integrations = new[] { "b-basic" } });

        var all = await app.Backend.GetAsync("/integrations", Server.Cancellation);
        using var sessionRequest = new HttpRequestMessage(HttpMethod.Get, "/integrations");
        sessionRequest.Headers.Authorization = new("Bearer", token);
        var forSession = await app.Http.SendAsync(sessionRequest, Server.Cancellation);

        Assert.Equal(["fake-apikey", "fake-basic", "fake-region"], Providers(await all.JsonAsync()));
        Assert.Equal(["fake-basic"], Providers(await forSession.JsonAsync()));
    }

    [Fact]
    public async Task Update_ChangesSettings_AndRenameIsRefusedWithConnections()
    {
        await using var app = await Server.StartAsync();
        await app.CreateIntegrationAsync("fake-apikey", "keyed");

        var renamed = await app.Backend.PatchAsJsonAsync("/integrations/keyed", new { unique_key = "renamed", display_name = "New name" }, Server.Cancellation);
        await app.ConnectApiKeyAsync("renamed", await app.CreateSessionTokenAsync());
        var refused = await app.Backend.PatchAsJsonAsync("/integrations/renamed", new { unique_key = "again" }, Server.Cancellation);

        Assert.Equal("New name", (await renamed.JsonAsync())["data"]!["display_name"]!.GetValue<string>());
        Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);
        Assert.Equal("invalid_body", await refused.ErrorCodeAsync());
    }

    [Fact]
    public async Task Delete_RemovesTheIntegrationAndItsConnections()
    {
        await using var app = await Server.StartAsync();
        await app.CreateIntegrationAsync("fake-apikey");
        var connectionId = await app.ConnectApiKeyAsync("fake-apikey", await app.CreateSessionTokenAsync());

        var deleted = await app.Backend.DeleteAsync("/integrations/fake-apikey", Server.Cancellation);
        var again = await app.Backend.DeleteAsync("/integrations/fake-apikey", Server.Cancellation);
        var connections = await app.Backend.GetAsync("/connections", Server.Cancellation);

        Assert.True((await deleted.JsonAsync())["success"]!.GetValue<bool>());
        Assert.Equal(HttpStatusCode.NotFound, again.StatusCode);
        Assert.DoesNotContain(connectionId, await connections.Content.ReadAsStringAsync(Server.Cancellation), StringComparison.Ordinal);
    }

    public static TheoryData<string, string[]> BadCreateBodies => new()
    {
        { """{"provider":"nope","unique_key":"x"}""", ["provider"] },
        { """{"provider":"fake-oauth2","unique_key":"x"}""", ["credentials"] },
        { """{"provider":"fake-oauth2","unique_key":"x","credentials":{"type":"OAUTH1","client_id":"a","client_secret":"b"}}""", ["credentials", "type"] },
        { """{"provider":"fake-oauth2","unique_key":"x","credentials":{"type":"OAUTH2","client_id":"a","client_secret":"b","scopes":"read write"}}""", ["credentials", "scopes"] },
        { """{"provider":"fake-oauth2","unique_key":"x","credentials":{"type":"OAUTH2","client_id":"a","client_secret":"b","extra":1}}""", ["credentials"] },
        { """{"provider":"fake-apikey","unique_key":"has/slash"}""", ["unique_key"] },
        { """{"provider":"fake-apikey","unique_key":"x","surprise":true}""", [] },
        { """{"provider":"fake-apikey"}""", ["unique_key"] },
        { """{"provider":7,"unique_key":"x"}""", ["provider"] },
        { """{"provider":"fake-apikey","unique_key":"x","integration_config":{"undeclared":"v"}}""", ["integration_config"] },
    };

    [Theory]
    [MemberData(nameof(BadCreateBodies))]
    public async Task Create_WithBadInput_IsInvalidBody_AtThePath(string body, string[] path)
    {
        await using var app = await Server.StartAsync();

        var response = await app.Backend.PostAsync("/integrations", new StringContent(body, System.Text.Encoding.UTF8, "application/json"), Server.Cancellation);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var error = (await response.JsonAsync())["error"]!;
        Assert.Equal("invalid_body", error["code"]!.GetValue<string>());
        Assert.Contains(error["errors"]!.AsArray(), issue => issue!["path"]!.AsArray().Select(p => p!.GetValue<string>()).SequenceEqual(path));
        Assert.Equal("[]", (await (await app.Backend.GetAsync("/integrations", Server.Cancellation)).JsonAsync())["data"]!.ToJsonString());
    }

    [Fact]
    public async Task Create_WithADuplicateKey_IsInvalidBodyAtUniqueKey()
    {
        await using var app = await Server.StartAsync();
        await app.CreateIntegrationAsync("fake-apikey", "dup");

        var response = await app.Backend.PostAsJsonAsync("/integrations", new { provider = "fake-basic", unique_key = "dup" }, Server.Cancellation);

        var error = (await response.JsonAsync())["error"]!;
        Assert.Equal("invalid_body", error["code"]!.GetValue<string>());
        Assert.Equal("uniqueKey", error["errors"]![0]!["path"]![0]!.GetValue<string>());
    }

    [Fact]
    public async Task Get_WithAnUnknownInclude_IsInvalidQueryParams()
    {
        await using var app = await Server.StartAsync();
        await app.CreateIntegrationAsync("fake-apikey");

        var response = await app.Backend.GetAsync("/integrations/fake-apikey?include=everything", Server.Cancellation);

        Assert.Equal("invalid_query_params", await response.ErrorCodeAsync());
    }

    private static string[] Providers(JsonObject list) => list["data"]!.AsArray().Select(i => i!["provider"]!.GetValue<string>()).ToArray();
}
