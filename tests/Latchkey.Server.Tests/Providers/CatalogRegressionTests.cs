using System.Net;
using System.Text.Json.Nodes;
using Latchkey.Server.Providers;

namespace Latchkey.Server.Tests.Providers;

/// <summary>Catalog data that once made the server answer 500, read through the real API.</summary>
public sealed class CatalogRegressionTests
{
    [Fact]
    public async Task IntegerRefreshMargin_FromYaml_ReadsLikeAnyNumber()
    {
        await using var app = await Server.StartAsync();
        await app.CreateIntegrationAsync("fake-buffered-oauth", credentials: new { type = "OAUTH2", client_id = FakeProvider.ClientId, client_secret = FakeProvider.ClientSecret });
        var imported = await app.Backend.PostAsJsonAsync("/connections", new
        {
            provider_config_key = "fake-buffered-oauth",
            connection_id = "buffered",
            credentials = new { type = "OAUTH2", access_token = "at-1", refresh_token = "rt-1", expires_at = "2099-01-01T00:00:00Z" },
        }, Server.Cancellation);

        var read = await app.Backend.GetAsync("/connections/buffered?provider_config_key=fake-buffered-oauth", Server.Cancellation);

        Assert.Equal((HttpStatusCode.Created, HttpStatusCode.OK), (imported.StatusCode, read.StatusCode));
        Assert.Equal("at-1", (await read.JsonAsync())["credentials"]!["access_token"]!.GetValue<string>());
    }

    [Theory]
    [InlineData("""{"n":60}""")]
    [InlineData("""{"n":60.0}""")]
    [InlineData("""{"n":"60"}""")]
    public void Numbers_ReadAlike_FromJsonText(string json) =>
        Assert.Equal(60d, JsonNode.Parse(json)!.AsObject().GetNumber("n"));

    [Fact]
    public void Numbers_ReadAlike_FromYamlAndFromCode()
    {
        var fromYaml = ProviderCatalog.Load("""
            p:
              display_name: P
              docs: https://d
              auth_mode: NONE
              token_expiration_buffer: 60
            """, null).Find("p")!.Definition;

        Assert.Equal(60d, fromYaml.GetNumber("token_expiration_buffer"));
        Assert.Equal(60d, new JsonObject { ["n"] = 60L }.GetNumber("n"));
        Assert.Equal(60.5d, new JsonObject { ["n"] = 60.5d }.GetNumber("n"));
    }

    [Fact]
    public async Task ContentTypeInProxyHeaders_DoesNotBreakVerification()
    {
        await using var app = await Server.StartAsync();
        await app.CreateIntegrationAsync("fake-json-headers");

        var connectionId = await app.ConnectApiKeyAsync("fake-json-headers", await app.CreateSessionTokenAsync());

        Assert.False(string.IsNullOrEmpty(connectionId));
    }

    [Theory]
    [InlineData("acme", HttpStatusCode.OK, null)]
    [InlineData("-acme", HttpStatusCode.BadRequest, "invalid_query_params")]
    public async Task LookaheadPattern_IsChecked_NotAServerError(string subdomain, HttpStatusCode status, string? code)
    {
        await using var app = await Server.StartAsync();
        await app.CreateIntegrationAsync("fake-lookahead");
        var token = await app.CreateSessionTokenAsync();

        var response = await app.Http.PostAsJsonAsync(
            $"/api-auth/api-key/fake-lookahead?connect_session_token={token}&params[subdomain]={subdomain}", new { apiKey = FakeProvider.GoodApiKey }, Server.Cancellation);

        Assert.Equal(status, response.StatusCode);
        Assert.Equal(code, response.IsSuccessStatusCode ? null : await response.ErrorCodeAsync());
    }
}
