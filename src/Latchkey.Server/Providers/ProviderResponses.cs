using System.Collections.Concurrent;
using System.Text.Json.Nodes;
using Latchkey.Server.Hosting;

namespace Latchkey.Server.Providers;

/// <summary>
/// The provider objects of spec §4.8 (catalog entry + <c>name</c> + <c>logo_url</c>), built once per provider:
/// the catalog never changes while the server runs, so neither do they.
/// </summary>
public sealed class ProviderResponses(ProviderCatalog catalog, PublicUrls urls)
{
    private readonly ConcurrentDictionary<string, JsonObject> _objects = new(StringComparer.Ordinal);

    public string LogoUrl(string providerName) => $"{urls.Server}/images/template-logos/{Uri.EscapeDataString(providerName)}.svg";

    /// <summary>A fresh copy callers may serialize (JsonNode instances have one parent).</summary>
    public JsonObject For(Provider provider) => _objects.GetOrAdd(provider.Name, _ => Build(provider)).DeepClone().AsObject();

    public IEnumerable<Provider> All => catalog.All;

    private JsonObject Build(Provider provider)
    {
        var result = provider.Definition.DeepClone().AsObject();
        result["name"] = provider.Name;
        result["logo_url"] = LogoUrl(provider.Name);
        return result;
    }
}
