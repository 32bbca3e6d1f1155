using System.Net;
using Latchkey.Server.Providers;

namespace Latchkey.Server.Tests.Providers;

public sealed class CatalogTests
{
    private static readonly ProviderCatalog BuiltIn = ProvidersFeature.LoadCatalog(new ProvidersOptions());

    [Fact]
    public void BuiltInCatalog_LoadsEveryEntry_WithAMixOfAuthModes()
    {
        Assert.True(BuiltIn.All.Count >= 30, $"only {BuiltIn.All.Count} providers");
        var modes = BuiltIn.All.GroupBy(p => p.AuthMode).ToDictionary(g => g.Key, g => g.Count());
        Assert.True(modes.GetValueOrDefault(AuthModes.OAuth2) >= 10);
        Assert.True(modes.GetValueOrDefault(AuthModes.OAuth1) >= 2);
        Assert.True(modes.GetValueOrDefault(AuthModes.ApiKey) >= 5);
        Assert.True(modes.GetValueOrDefault(AuthModes.Basic) >= 3);
        Assert.True(modes.GetValueOrDefault(AuthModes.OAuth2ClientCredentials) >= 1);
    }

    [Fact]
    public void BuiltInCatalog_EveryEntry_IsCompleteForItsMode()
    {
        foreach (var provider in BuiltIn.All)
        {
            Assert.False(string.IsNullOrWhiteSpace(provider.DisplayName), provider.Name);
            Assert.StartsWith("https://", provider.GetString("docs"), StringComparison.Ordinal);
            if (provider.AuthMode == AuthModes.OAuth2)
            {
                Assert.StartsWith("https://", provider.AuthorizationUrl!, StringComparison.Ordinal);
                Assert.Contains("://", provider.TokenUrlFor(AuthModes.OAuth2)!, StringComparison.Ordinal);
            }

            if (provider.AuthMode is AuthModes.ApiKey or AuthModes.Basic)
            {
                Assert.NotNull(provider.Proxy?.GetString("base_url"));
            }

            // Every connection-config placeholder names a declared field, so the form can ask for it.
            foreach (System.Text.RegularExpressions.Match match in System.Text.RegularExpressions.Regex.Matches(provider.Definition.ToJsonString(), @"connectionConfig\.([A-Za-z0-9_]+)"))
            {
                Assert.True(provider.ConnectionConfigFields.ContainsKey(match.Groups[1].Value), $"{provider.Name} uses undeclared connectionConfig.{match.Groups[1].Value}");
            }
        }
    }

    [Fact]
    public void Aliases_AreResolvedByShallowMerge()
    {
        const string yaml = """
            base-one:
              display_name: Base
              docs: https://docs.example.test
              auth_mode: OAUTH2
              authorization_url: https://example.test/authorize
              token_url: https://example.test/token
            base-one-sandbox:
              alias: base-one
              display_name: Base (sandbox)
              authorization_url: https://sandbox.example.test/authorize
            """;

        var catalog = ProviderCatalog.Load(yaml, null);

        var sandbox = catalog.Find("base-one-sandbox")!;
        Assert.Equal("Base (sandbox)", sandbox.DisplayName);
        Assert.Equal("https://sandbox.example.test/authorize", sandbox.AuthorizationUrl);
        Assert.Equal("https://example.test/token", sandbox.TokenUrlFor(AuthModes.OAuth2));
        Assert.Null(sandbox.Definition["alias"]);
    }

    [Fact]
    public void OverrideFile_ReplacesEntriesWhole_AndAddsNewOnes()
    {
        const string builtIn = """
            acme:
              display_name: Acme
              docs: https://docs.acme.test
              auth_mode: API_KEY
              proxy:
                base_url: https://api.acme.test
            """;
        const string overrides = """
            acme:
              display_name: Acme (internal)
              docs: https://wiki.internal/acme
              auth_mode: BASIC
            extra:
              display_name: Extra
              docs: https://docs.extra.test
              auth_mode: NONE
            """;

        var catalog = ProviderCatalog.Load(builtIn, overrides);

        Assert.Equal(AuthModes.Basic, catalog.Find("acme")!.AuthMode);
        Assert.Null(catalog.Find("acme")!.Proxy);
        Assert.NotNull(catalog.Find("extra"));
    }

    [Theory]
    [InlineData("bad:\n  display_name: x\n", "docs is required")]
    [InlineData("Bad_Name:\n  display_name: x\n  docs: https://d\n  auth_mode: NONE\n", "lower-case")]
    [InlineData("x:\n  display_name: x\n  docs: https://d\n  auth_mode: MAGIC\n", "auth_mode must be one of")]
    [InlineData("x:\n  display_name: x\n  docs: https://d\n  auth_mode: OAUTH2\n", "need authorization_url and token_url")]
    [InlineData("x:\n  alias: nobody\n", "names no provider")]
    [InlineData("x: [unclosed\n", "invalid YAML")]
    public void InvalidCatalog_FailsWithASentenceSayingWhere(string yaml, string expected)
    {
        var exception = Assert.Throws<CatalogException>(() => ProviderCatalog.Load("", yaml));

        Assert.Contains(expected, exception.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void YamlScalars_KeepTheirTypes()
    {
        var catalog = ProviderCatalog.Load("""
            x:
              display_name: X
              docs: https://d
              auth_mode: NONE
              disable_pkce: true
              token_expiration_buffer: 300
              quoted: "true"
            """, null);

        var definition = catalog.Find("x")!.Definition;
        Assert.Equal("true", definition["disable_pkce"]!.ToJsonString());
        Assert.Equal("300", definition["token_expiration_buffer"]!.ToJsonString());
        Assert.Equal("\"true\"", definition["quoted"]!.ToJsonString());
    }

    [Fact]
    public async Task ProvidersEndpoints_ServeTheCatalogWithNameAndLogo()
    {
        await using var app = await Server.StartAsync();

        var list = await app.Backend.GetAsync("/providers?search=^fake-api", Server.Cancellation);
        var one = await app.Backend.GetAsync("/providers/github", Server.Cancellation);
        var missing = await app.Backend.GetAsync("/providers/nope", Server.Cancellation);
        var withQuery = await app.Backend.GetAsync("/providers/github?x=1", Server.Cancellation);

        var names = (await list.JsonAsync())["data"]!.AsArray().Select(p => p!["name"]!.GetValue<string>()).ToArray();
        Assert.Equal(["fake-apikey"], names);
        var github = (await one.JsonAsync())["data"]!;
        Assert.Equal("OAUTH2", github["auth_mode"]!.GetValue<string>());
        Assert.Equal($"{app.BaseUrl}/images/template-logos/github.svg", github["logo_url"]!.GetValue<string>());
        Assert.Equal(HttpStatusCode.NotFound, missing.StatusCode);
        Assert.Equal("not_found", await missing.ErrorCodeAsync());
        Assert.Equal("invalid_query_params", await withQuery.ErrorCodeAsync());
    }

    [Fact]
    public async Task Providers_AcceptASessionToken()
    {
        await using var app = await Server.StartAsync();
        var token = await app.CreateSessionTokenAsync();
        using var request = new HttpRequestMessage(HttpMethod.Get, "/providers/fake-apikey");
        request.Headers.Authorization = new("Bearer", token);

        var response = await app.Http.SendAsync(request, Server.Cancellation);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Fact]
    public async Task Logo_ForEveryProvider_IsAnSvg()
    {
        await using var app = await Server.StartAsync();

        var logo = await app.Http.GetAsync("/images/template-logos/fake-apikey.svg", Server.Cancellation);
        var unknown = await app.Http.GetAsync("/images/template-logos/not-a-provider.svg", Server.Cancellation);

        Assert.Equal("image/svg+xml", logo.Content.Headers.ContentType!.MediaType);
        Assert.StartsWith("<svg", await logo.Content.ReadAsStringAsync(Server.Cancellation), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.NotFound, unknown.StatusCode);
    }
}
