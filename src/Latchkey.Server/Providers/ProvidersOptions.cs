namespace Latchkey.Server.Providers;

public sealed class ProvidersOptions
{
    /// <summary><c>LATCHKEY_PROVIDERS_FILE</c>: a YAML catalog in the same schema, merged over the built-in one.</summary>
    public string? ProvidersFile { get; set; }
}
