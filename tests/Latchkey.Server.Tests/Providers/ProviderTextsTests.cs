using System.Net.Http.Headers;
using System.Text.Json.Nodes;
using Latchkey.Server.Providers;

namespace Latchkey.Server.Tests.Providers;

/// <summary>
/// Issue 17 item 6: the catalog's common field titles and descriptions come in the Connect UI's languages, chosen by
/// <c>lang</c> or Accept-Language; the rest stays English.
/// </summary>
public sealed class ProviderTextsTests
{
    private static readonly ProviderTexts Texts = ProviderTexts.LoadBuiltIn();

    [Theory]
    [InlineData("fr", "Sous-domaine Zendesk", "La partie de votre adresse Zendesk avant .zendesk.com", "Adresse e-mail suivie de /token", "Jeton d’API")]
    [InlineData("ar", "النطاق الفرعي لـ Zendesk", "جزء عنوان Zendesk الذي يسبق .zendesk.com", "عنوان البريد الإلكتروني متبوعًا بـ /token", "رمز API")]
    [InlineData("ja", "Zendesk のサブドメイン", "Zendesk のアドレスのうち .zendesk.com より前の部分", "メールアドレスの後に /token", "API トークン")]
    public async Task ProviderWithLang_HasItsFieldTextsTranslated_TheRestUnchanged(string lang, string subdomain, string subdomainHelp, string username, string password)
    {
        await using var app = await Server.StartAsync();
        var english = await ProviderAsync(app, "/providers/zendesk-basic");

        using var response = await app.Backend.GetAsync($"/providers/zendesk-basic?lang={lang}", Server.Cancellation);
        var translated = (await response.JsonAsync())["data"]!.AsObject();

        Assert.Equal(lang, response.Content.Headers.ContentLanguage.Single());
        Assert.Contains("Accept-Language", response.Headers.Vary);
        Assert.Equal(subdomain, Text(translated, "connection_config", "subdomain", "title"));
        Assert.Equal(subdomainHelp, Text(translated, "connection_config", "subdomain", "description"));
        Assert.Equal(username, Text(translated, "credentials", "username", "title"));
        Assert.Equal(password, Text(translated, "credentials", "password", "title"));
        // A provider's own UI path stays as the provider writes it; everything but the texts is the English object.
        Assert.Equal(Text(english, "credentials", "password", "description"), Text(translated, "credentials", "password", "description"));
        Assert.NotEqual(Text(english, "credentials", "username", "description"), Text(translated, "credentials", "username", "description"));
        foreach (var (section, field, key) in new[]
        {
            ("connection_config", "subdomain", "title"), ("connection_config", "subdomain", "description"),
            ("credentials", "username", "title"), ("credentials", "username", "description"), ("credentials", "password", "title"),
        })
        {
            translated[section]![field]![key] = english[section]![field]![key]!.DeepClone();
        }

        Assert.True(JsonNode.DeepEquals(english, translated));
    }

    [Fact]
    public async Task AcceptLanguage_ChoosesWithoutLang_AndLangWins()
    {
        await using var app = await Server.StartAsync();
        using var request = new HttpRequestMessage(HttpMethod.Get, "/providers/zendesk-basic");
        request.Headers.AcceptLanguage.Add(new StringWithQualityHeaderValue("xx"));
        request.Headers.AcceptLanguage.Add(new StringWithQualityHeaderValue("ja-JP", 0.9));
        request.Headers.AcceptLanguage.Add(new StringWithQualityHeaderValue("en", 0.5));

        var negotiated = (await (await app.Backend.SendAsync(request, Server.Cancellation)).JsonAsync())["data"]!.AsObject();
        var english = await ProviderAsync(app, "/providers/zendesk-basic?lang=en");
        var unknown = await ProviderAsync(app, "/providers/zendesk-basic?lang=xx");
        var list = (await (await app.Backend.GetAsync("/providers?search=^zendesk-basic$&lang=de-AT", Server.Cancellation)).JsonAsync())["data"]!.AsArray();

        Assert.Equal("API トークン", Text(negotiated, "credentials", "password", "title"));
        Assert.Equal("API token", Text(english, "credentials", "password", "title"));
        Assert.Equal("API token", Text(unknown, "credentials", "password", "title"));
        Assert.Equal("API-Token", Text(list.Single()!.AsObject(), "credentials", "password", "title"));
    }

    [Fact]
    public void EveryConnectUiLanguage_ButEnglish_HasCatalogTexts()
    {
        var connectUi = Directory.GetFiles(RepositoryFiles.PathOf("web", "connect-ui", "src", "i18n"), "??.ts").Select(Path.GetFileNameWithoutExtension);

        Assert.Equal(connectUi.Where(code => code != "en").Order(StringComparer.Ordinal), Texts.Languages.Order(StringComparer.Ordinal));
    }

    [Fact]
    public void TheCatalogsCommonTitles_AreTranslatedInEveryLanguage()
    {
        var common = Fields().Select(field => field.GetString("title")).OfType<string>()
            .GroupBy(title => title, StringComparer.Ordinal).Where(group => group.Count() >= 3).Select(group => group.Key).ToList();
        Assert.Contains("API key", common);

        var missing = Texts.Languages.SelectMany(language => common.Where(title => Texts.Title(language, title) is null).Select(title => $"{language}: {title}")).ToList();

        Assert.Empty(missing);
    }

    [Fact]
    public void EveryTranslatedText_IsUsedByTheCatalog()
    {
        var fields = Fields().ToList();
        var titles = fields.Select(field => field.GetString("title")).OfType<string>().ToHashSet(StringComparer.Ordinal);
        var descriptions = fields.Select(field => field.GetString("description")).OfType<string>().ToHashSet(StringComparer.Ordinal);

        foreach (var language in Texts.Languages)
        {
            var usedTitles = titles.Count(title => Texts.Title(language, title) is not null);
            var usedDescriptions = descriptions.Count(description => Texts.Description(language, description) is not null);
            Assert.True(usedTitles >= 60, $"{language}: {usedTitles} titles");
            Assert.True(usedDescriptions >= 15, $"{language}: {usedDescriptions} descriptions");
        }
    }

    [Theory]
    [InlineData("Okta subdomain", "Sous-domaine Okta")]
    [InlineData("Tenant subdomain", "Sous-domaine du locataire")] // a word the pattern would take for a product has its own entry
    [InlineData("Account URL subdomain", null)] // two words: not a product name, left in English
    [InlineData("api key", null)]
    public void Patterns_CarryTheProductName_AndMatchOnlyWholeTexts(string english, string? french) =>
        Assert.Equal(french, Texts.Title("fr", english));

    private static async Task<JsonObject> ProviderAsync(TestApp app, string path) =>
        (await (await app.Backend.GetAsync(path, Server.Cancellation)).JsonAsync())["data"]!.AsObject();

    private static string? Text(JsonObject provider, string section, string field, string key) => provider[section]?[field]?[key]?.GetValue<string>();

    private static IEnumerable<JsonObject> Fields() =>
        ProviderCatalog.Load(ProvidersFeature.BuiltInFiles(), null).All
            .SelectMany(provider => new[] { "credentials", "connection_config", "integration_config", "assertion_option" }
                .Select(section => provider.Definition[section] as JsonObject).OfType<JsonObject>())
            .SelectMany(fields => fields.Select(pair => pair.Value).OfType<JsonObject>())
            .Where(field => !field.GetFlag("automated") && !field.GetFlag("hidden")); // what a form shows
}
