namespace Latchkey.Server.Providers;

public sealed class ProvidersOptions
{
    /// <summary><c>LATCHKEY_PROVIDERS_FILE</c>: a YAML catalog in the same schema, merged over the built-in one.</summary>
    public string? ProvidersFile { get; set; }

    /// <summary>Catalogs other features add to the built-in one (the demo provider's entries), by source name.</summary>
    public List<(string Source, string Yaml)> AddedCatalogs { get; } = [];
}
