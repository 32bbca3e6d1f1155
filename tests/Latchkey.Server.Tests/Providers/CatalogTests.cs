using System.Net;
using Latchkey.Server.Providers;

namespace Latchkey.Server.Tests.Providers;

public sealed class CatalogTests
{
    private static readonly ProviderCatalog BuiltIn = ProvidersFeature.LoadCatalog(new ProvidersOptions());

    [Fact]
    public void BuiltInCatalog_LoadsEveryEntry_WithAMixOfAuthModes()
    {
        Assert.True(BuiltIn.All.Count >= 300, $"only {BuiltIn.All.Count} providers");
        Assert.Empty(BuiltIn.Skipped);
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
    [InlineData("x:\n  display_name: x\n  docs: https://d\n  auth_mode: OAUTH2_CC\n", "OAUTH2_CC providers need token_url")]
    [InlineData("x:\n  alias: nobody\n", "names no provider")]
    [InlineData("x:\n  alias: y\ny:\n  alias: x\n", "loops back")]
    [InlineData("x:\n  display_name: x\n  docs: https://d\n  auth_mode: API_KEY\n  credentials:\n    apiKey:\n      pattern: '(unclosed'\n", "credentials.apiKey.pattern is not a valid regular expression")]
    public void BadEntry_IsLeftOut_WithASentence_AndTheRestLoads(string yaml, string expected)
    {
        var catalog = ProviderCatalog.Load("good:\n  display_name: Good\n  docs: https://d\n  auth_mode: NONE\n", yaml);

        Assert.NotNull(catalog.Find("good"));
        Assert.Contains(catalog.Skipped, problem => problem.Contains(expected, StringComparison.Ordinal) && problem.Contains("LATCHKEY_PROVIDERS_FILE", StringComparison.Ordinal));
        Assert.DoesNotContain(catalog.All, provider => provider.Name is "x" or "bad" or "Bad_Name");
    }

    [Theory]
    [InlineData("x: [unclosed\n", "invalid YAML")]
    [InlineData("- just\n- a list\n", "top level must be a mapping")]
    public void UnreadableFile_FailsWithASentenceSayingWhere(string yaml, string expected)
    {
        var exception = Assert.Throws<CatalogException>(() => ProviderCatalog.Load("", yaml));

        Assert.Contains(expected, exception.Message, StringComparison.Ordinal);
        Assert.Contains("LATCHKEY_PROVIDERS_FILE", exception.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void AliasChains_ResolveInOrder_TheNearestEntryWinning()
    {
        var catalog = ProviderCatalog.Load("""
            base:
              display_name: Base
              docs: https://d
              auth_mode: OAUTH2
              authorization_url: https://base.test/authorize
              token_url: https://base.test/token
            middle:
              alias: base
              display_name: Middle
              token_url: https://middle.test/token
            leaf:
              alias: middle
              display_name: Leaf
            """, null);

        var leaf = catalog.Find("leaf")!;
        Assert.Equal(("Leaf", "https://base.test/authorize", "https://middle.test/token"), (leaf.DisplayName, leaf.AuthorizationUrl, leaf.TokenUrlFor(AuthModes.OAuth2)));
        Assert.Empty(catalog.Skipped);
    }

    [Fact]
    public void BadOverride_KeepsTheBuiltInEntry()
    {
        var catalog = ProviderCatalog.Load(
            "acme:\n  display_name: Acme\n  docs: https://d\n  auth_mode: API_KEY\n",
            "acme:\n  display_name: Acme (broken)\n  docs: https://d\n  auth_mode: OAUTH2_CC\n");

        Assert.Equal(("Acme", AuthModes.ApiKey), (catalog.Find("acme")!.DisplayName, catalog.Find("acme")!.AuthMode));
        Assert.Contains(catalog.Skipped, problem => problem.Contains("built-in entry is used instead", StringComparison.Ordinal));
    }

    [Fact]
    public void KeysThatAreNotActedOn_AreCounted()
    {
        var catalog = ProviderCatalog.Load("""
            a:
              display_name: A
              docs: https://d
              auth_mode: NONE
              post_connection_script: aPostConnection
            b:
              display_name: B
              docs: https://d
              auth_mode: NONE
              post_connection_script: bPostConnection
              something_new: 1
            """, null);

        Assert.Equal(new Dictionary<string, int> { ["post_connection_script"] = 2, ["something_new"] = 1 }, catalog.IgnoredKeys);
    }

    [Fact]
    public void EveryKeyOfTheReferenceSchema_IsImplementedOrListedAsIgnored()
    {
        // The top-level keys of spec §8.2, each of which docs/providers.md must account for.
        string[] schema =
        [
            "display_name", "docs", "docs_connect", "setup_guide_url", "categories", "auth_mode", "alias", "installation", "authorization_url",
            "authorization_params", "authorization_url_skip_encode", "authorization_url_skip_empty", "authorization_url_replacements",
            "authorization_url_fragment", "authorization_code_param_in_callback", "authorization_code_param_in_webhook", "auth", "token_url",
            "token_url_skip_encode", "token_params", "refresh_params", "refresh_url", "authorization_method", "token_request_auth_method",
            "body_format", "disable_pkce", "scope_separator", "default_scopes", "token_expiration_buffer", "expires_in_unit",
            "alternate_access_token_response_path", "token_response_metadata", "refresh_token_response_metadata", "redirect_uri_metadata",
            "webhook_response_metadata", "decode_url", "require_client_certificate", "request_url", "request_params", "request_http_method",
            "token_http_method", "signature_method", "proxy", "connection_config", "credentials", "integration_config", "assertion_option",
            "connection_configuration", "post_connection_script", "pre_connection_deletion_script", "credentials_verification_script",
            "webhook_routing_script", "webhook_user_defined_secret", "webhook_allowed_query_params", "token_response", "token_headers",
            "token_request_method", "refresh_token_params", "refresh_token_headers", "token_response_headers", "additional_steps", "assertion",
            "token_expires_in_ms", "proxy_header_authorization", "signature", "token", "registration_url", "client_registration",
            "registration_params", "auth_type",
        ];
        var docs = File.ReadAllText(RepositoryFiles.PathOf("docs", "providers.md"));

        Assert.DoesNotContain(schema, key => !CatalogSchema.Implemented.Contains(key) && !CatalogSchema.Ignored.ContainsKey(key));
        Assert.DoesNotContain(CatalogSchema.Ignored.Keys, key => !docs.Contains($"`{key}`", StringComparison.Ordinal));
    }

    [Fact]
    public async Task ProvidersFile_WithBadEntries_ServesTheGoodOnes_AndNamesTheBadInTheLog()
    {
        var folder = Directory.CreateTempSubdirectory("latchkey-catalog-").FullName;
        var file = Path.Combine(folder, "providers.yaml");
        await File.WriteAllTextAsync(file, FakeCatalog.Yaml("http://127.0.0.1:9") + """

            broken-cc:
              display_name: Broken CC
              docs: https://docs.example.test/cc
              auth_mode: OAUTH2_CC
            alias-of-alias:
              alias: fake-buffered-oauth
              display_name: Two hops
            """, Server.Cancellation);
        await using var app = await Server.StartAsync(new Dictionary<string, string?> { ["LATCHKEY_PROVIDERS_FILE"] = file });

        var providers = await app.Backend.GetAsync("/providers", Server.Cancellation);
        var broken = await app.Backend.GetAsync("/providers/broken-cc", Server.Cancellation);
        var chained = await app.Backend.GetAsync("/providers/alias-of-alias", Server.Cancellation);
        var integrations = await app.Backend.GetAsync("/integrations", Server.Cancellation);

        Assert.Equal((HttpStatusCode.OK, HttpStatusCode.NotFound, HttpStatusCode.OK, HttpStatusCode.OK),
            (providers.StatusCode, broken.StatusCode, chained.StatusCode, integrations.StatusCode));
        Assert.Contains(app.Logs.Lines, line => line.Contains("broken-cc", StringComparison.Ordinal) && line.Contains("OAUTH2_CC providers need token_url", StringComparison.Ordinal));
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
    public async Task UnreadableProvidersFile_StopsStartUp_WithItsSentence()
    {
        var folder = Directory.CreateTempSubdirectory("latchkey-catalog-").FullName;
        var file = Path.Combine(folder, "providers.yaml");
        await File.WriteAllTextAsync(file, "acme: [unclosed\n", Server.Cancellation);
        var app = LatchkeyServer.Build([], builder =>
        {
            builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
            {
                ["LATCHKEY_DATA_DIR"] = folder,
                ["LATCHKEY_PROVIDERS_FILE"] = file,
            });
            builder.WebHost.UseUrls("http://127.0.0.1:0");
        });
        await using (app)
        {
            var failure = await Assert.ThrowsAsync<CatalogException>(() => app.StartAsync(Server.Cancellation));

            Assert.Contains("invalid YAML at line", failure.Message, StringComparison.Ordinal);
            Assert.Contains(file, failure.Message, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task ProvidersEndpoint_ListsTheWholeBuiltInCatalog()
    {
        await using var app = await Server.StartAsync();

        var all = (await (await app.Backend.GetAsync("/providers", Server.Cancellation)).JsonAsync())["data"]!.AsArray();

        Assert.True(all.Count >= 300, $"GET /providers lists {all.Count} providers");
        Assert.Contains(all, p => p!["name"]!.GetValue<string>() == "google-mail");
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

    /// <summary>Every built-in provider has a logo: its brand's icon, or a drawn monogram that starts with the brand's initial.</summary>
    [Fact]
    public async Task EveryBuiltInProvider_HasAVisibleLogo()
    {
        await using var app = await Server.StartAsync();
        var blank = new List<string>();

        foreach (var provider in BuiltIn.All)
        {
            var svg = await app.Http.GetStringAsync($"/images/template-logos/{provider.Name}.svg", Server.Cancellation);
            var icon = System.Text.RegularExpressions.Regex.IsMatch(svg, "<path [^>]*d=\"M[^\"]{20,}");
            var initial = char.ToUpperInvariant(provider.DisplayName.First(char.IsLetterOrDigit));
            var monogram = svg.Contains($">{initial}", StringComparison.Ordinal) && svg.Contains("<text", StringComparison.Ordinal);
            if (!icon && !monogram)
            {
                blank.Add(provider.Name);
            }
        }

        Assert.True(blank.Count == 0, "no visible logo: " + string.Join(", ", blank));
    }

    [Theory]
    [InlineData("Microsoft (Entra ID / Graph)", "M")]
    [InlineData("Google Calendar", "GC")]
    [InlineData("1Password (Events API)", "1")]
    [InlineData("Zoho CRM", "ZC")]
    public void Monogram_IsTheBrandsInitials(string displayName, string expected) =>
        Assert.Equal(expected, ProviderLogos.Initials(displayName));
}
