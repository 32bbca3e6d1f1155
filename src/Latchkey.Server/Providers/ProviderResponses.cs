using System.Collections.Concurrent;
using System.Text.Json.Nodes;
using Latchkey.Server.Hosting;

namespace Latchkey.Server.Providers;

/// <summary>
/// The provider objects of spec §4.8 (catalog entry + <c>name</c> + <c>logo_url</c>), built once per provider and
/// language (field titles and descriptions translated, <see cref="ProviderTexts"/>): the catalog never changes while
/// the server runs, so neither do they.
/// </summary>
public sealed class ProviderResponses(ProviderCatalog catalog, PublicUrls urls, ProviderTexts texts)
{
    private readonly ConcurrentDictionary<(string Name, string? Language), JsonObject> _objects = new();

    public string LogoUrl(string providerName) => $"{urls.Server}/images/template-logos/{Uri.EscapeDataString(providerName)}.svg";

    /// <summary>A fresh copy callers may serialize (JsonNode instances have one parent), in English when <paramref name="language"/> is null.</summary>
    public JsonObject For(Provider provider, string? language = null) =>
        _objects.GetOrAdd((provider.Name, language), key => key.Language is null ? Build(provider) : texts.Localize(Build(provider), key.Language))
            .DeepClone().AsObject();

    public IEnumerable<Provider> All => catalog.All;

    private JsonObject Build(Provider provider)
    {
        var result = provider.Definition.DeepClone().AsObject();
        result["name"] = provider.Name;
        result["logo_url"] = LogoUrl(provider.Name);
        return result;
    }
}
