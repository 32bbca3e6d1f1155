using System.Net;

namespace Latchkey.Client.Tests;

public sealed class IntegrationsAndProvidersTests
{
    [Fact]
    public async Task Integrations_CreateGetListUpdateDelete_RoundTrip()
    {
        await using var app = await Server.StartAsync();
        var client = Server.ClientFor(app);

        var created = await client.CreateIntegrationAsync(new CreateIntegrationRequest
        {
            Provider = "fake-oauth2",
            UniqueKey = "crm",
            DisplayName = "Our CRM",
            Credentials = new IntegrationCredentials { Type = "OAUTH2", ClientId = FakeProvider.ClientId, ClientSecret = FakeProvider.ClientSecret, Scopes = "read,write" },
        }, Server.Cancellation);
        await client.CreateIntegrationAsync(new CreateIntegrationRequest { Provider = "fake-apikey", UniqueKey = "keys" }, Server.Cancellation);
        var plain = await client.GetIntegrationAsync("crm", cancellationToken: Server.Cancellation);
        var full = await client.GetIntegrationAsync("crm", IntegrationInclude.Credentials | IntegrationInclude.Webhook, Server.Cancellation);
        var listed = await client.ListIntegrationsAsync(Server.Cancellation);
        var updated = await client.UpdateIntegrationAsync("crm", new UpdateIntegrationRequest { DisplayName = "Sales CRM", ForwardWebhooks = false }, Server.Cancellation);
        await client.DeleteIntegrationAsync("keys", Server.Cancellation);
        var gone = await Assert.ThrowsAsync<LatchkeyApiException>(() => client.GetIntegrationAsync("keys", cancellationToken: Server.Cancellation));

        Assert.Equal(("crm", "fake-oauth2", "Our CRM", true), (created.UniqueKey, created.Provider, created.DisplayName, created.ForwardWebhooks));
        Assert.EndsWith("/images/template-logos/fake-oauth2.svg", created.Logo, StringComparison.Ordinal);
        Assert.Null(plain.Credentials);
        Assert.Null(plain.WebhookUrl);
        Assert.Equal((FakeProvider.ClientId, FakeProvider.ClientSecret, "read,write"), (full.Credentials?.ClientId, full.Credentials?.ClientSecret, full.Credentials?.Scopes));
        Assert.DoesNotContain(FakeProvider.ClientSecret, full.ToString(), StringComparison.Ordinal);
        Assert.Contains("/webhook/", full.WebhookUrl, StringComparison.Ordinal);
        Assert.Equal(["fake-apikey", "fake-oauth2"], listed.Select(i => i.Provider).ToArray());
        Assert.Equal(("Sales CRM", false), (updated.DisplayName, updated.ForwardWebhooks));
        Assert.Equal((HttpStatusCode.NotFound, "not_found"), (gone.StatusCode, gone.Code));
    }

    [Fact]
    public async Task CreateIntegration_Invalid_SurfacesTheValidationErrorsWithTheirPaths()
    {
        await using var app = await Server.StartAsync();
        var client = Server.ClientFor(app);
        await client.CreateIntegrationAsync(new CreateIntegrationRequest { Provider = "fake-apikey", UniqueKey = "keys" }, Server.Cancellation);

        var unknownProvider = await Assert.ThrowsAsync<LatchkeyApiException>(() =>
            client.CreateIntegrationAsync(new CreateIntegrationRequest { Provider = "no-such-provider", UniqueKey = "x" }, Server.Cancellation));
        var duplicate = await Assert.ThrowsAsync<LatchkeyApiException>(() =>
            client.CreateIntegrationAsync(new CreateIntegrationRequest { Provider = "fake-apikey", UniqueKey = "keys" }, Server.Cancellation));

        Assert.Equal((HttpStatusCode.BadRequest, "invalid_body"), (unknownProvider.StatusCode, unknownProvider.Code));
        Assert.Equal(["provider"], Assert.Single(unknownProvider.Errors).Path);
        Assert.Equal(["uniqueKey"], Assert.Single(duplicate.Errors).Path);
    }

    [Fact]
    public async Task Providers_ListSearchAndGet_ReturnTheCatalogEntries()
    {
        await using var app = await Server.StartAsync();
        var client = Server.ClientFor(app);

        var all = await client.ListProvidersAsync(cancellationToken: Server.Cancellation);
        var searched = await client.ListProvidersAsync("fake-oauth2", Server.Cancellation);
        var one = await client.GetProviderAsync("fake-apikey", Server.Cancellation);
        var missing = await Assert.ThrowsAsync<LatchkeyApiException>(() => client.GetProviderAsync("no-such-provider", Server.Cancellation));

        Assert.Contains(all, p => p.Name == "fake-basic");
        Assert.Equal(["fake-oauth2", "fake-oauth2-cc"], searched.Select(p => p.Name).Order(StringComparer.Ordinal).ToArray());
        Assert.Equal(("Fake API Key", "API_KEY", "https://docs.example.test/apikey"), (one.DisplayName, one.AuthMode, one.Docs));
        Assert.EndsWith("/images/template-logos/fake-apikey.svg", one.LogoUrl, StringComparison.Ordinal);
        Assert.NotNull(one.Definition["credentials"]?["apiKey"]);
        Assert.Equal((HttpStatusCode.NotFound, "not_found"), (missing.StatusCode, missing.Code));
    }
}
