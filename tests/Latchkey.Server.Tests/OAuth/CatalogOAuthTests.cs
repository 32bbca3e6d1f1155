using System.Text.Json.Nodes;
using Latchkey.Server.OAuth;
using Latchkey.Server.Providers;
using Microsoft.AspNetCore.WebUtilities;

namespace Latchkey.Server.Tests.OAuth;

/// <summary>Every built-in OAuth provider, checked as far as can be done without the internet.</summary>
public sealed class CatalogOAuthTests
{
    private static readonly ProviderCatalog BuiltIn = ProvidersFeature.LoadCatalog(new ProvidersOptions());

    public static TheoryData<string> OAuth2Providers => [.. BuiltIn.All.Where(p => p.AuthMode == AuthModes.OAuth2).Select(p => p.Name)];

    public static TheoryData<string> OAuth1Providers => [.. BuiltIn.All.Where(p => p.AuthMode == AuthModes.OAuth1).Select(p => p.Name)];

    [Theory]
    [MemberData(nameof(OAuth2Providers))]
    public void OAuth2Provider_BuildsAnAuthorizeUrlAndATokenUrl(string name)
    {
        var provider = BuiltIn.Find(name)!;
        var config = SampleConfig(provider);
        var verifier = provider.DisablePkce ? null : AuthorizationUrl.NewCodeVerifier();

        var url = AuthorizationUrl.Build(new AuthorizationRequest(provider, "client-123", "https://latchkey.example.com/oauth/callback", "state-xyz",
            provider.Definition.GetStringList("default_scopes"), config, verifier, new Dictionary<string, string>(), null));

        Assert.False(url.Failed, url.Error?.Message);
        var authorize = new Uri(url.Value!);
        Assert.Equal("https", authorize.Scheme);
        var query = QueryHelpers.ParseQuery(authorize.Query.Length > 0 ? authorize.Query : "?" + authorize.Fragment.Split('?').Last());
        Assert.Equal("client-123", query["client_id"].ToString());
        Assert.Equal("state-xyz", query["state"].ToString());
        Assert.Equal(verifier is not null, query.ContainsKey("code_challenge"));
        Assert.NotNull(ProviderUrls.Render(provider.TokenUrlFor(AuthModes.OAuth2)!, TemplateValues.Of(config)));
    }

    [Theory]
    [MemberData(nameof(OAuth1Providers))]
    public void OAuth1Provider_HasRenderableEndpoints(string name)
    {
        var provider = BuiltIn.Find(name)!;
        var values = TemplateValues.Of(SampleConfig(provider));

        Assert.NotNull(ProviderUrls.Render(provider.GetString("request_url"), values));
        Assert.NotNull(ProviderUrls.Render(provider.AuthorizationUrl!, values));
        Assert.NotNull(ProviderUrls.Render(provider.TokenUrlFor(AuthModes.OAuth1)!, values));
    }

    // A plausible value for every connection-config field: its example, its first enum value, or a word.
    private static JsonObject SampleConfig(Provider provider)
    {
        var config = new JsonObject();
        foreach (var (name, field) in provider.Definition["connection_config"] as JsonObject ?? [])
        {
            var schema = field as JsonObject;
            config[name] = schema?.GetString("example")?.Split(' ')[0] ?? (schema?["enum"] as JsonArray)?[0]?.ToString() ?? "example";
        }

        return config;
    }
}
