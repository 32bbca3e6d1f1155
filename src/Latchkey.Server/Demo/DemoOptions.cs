namespace Latchkey.Server.Demo;

/// <summary>
/// <c>LATCHKEY_DEMO_PROVIDER</c>: serve the built-in demo provider (default: on in the Development environment, off
/// otherwise). Its catalog entries point at the server's own address, known before start from
/// <c>LATCHKEY_SERVER_URL</c>, <c>--urls</c> or <c>LATCHKEY_BIND</c>/<c>LATCHKEY_PORT</c>.
/// </summary>
public sealed class DemoOptions
{
    public bool Enabled { get; init; }

    /// <summary>The server's own base URL, or null when it is only known once listening (port 0).</summary>
    public string? ServerUrl { get; init; }

    /// <summary>Set when <c>LATCHKEY_DEMO_PROVIDER</c> is neither true nor false.</summary>
    public bool Invalid { get; init; }

    /// <summary>Served: asked for, and its address is known.</summary>
    public bool Active => Enabled && ServerUrl is not null;

    /// <summary>Where the demo provider lives: <c>{server}/demo-provider</c>.</summary>
    public string BaseUrl => ServerUrl + DemoFeature.PathBase;

    public static DemoOptions From(IConfiguration configuration, IHostEnvironment environment)
    {
        var setting = configuration["LATCHKEY_DEMO_PROVIDER"];
        var valid = bool.TryParse(setting, out var chosen);
        return new DemoOptions
        {
            Enabled = string.IsNullOrWhiteSpace(setting) ? environment.IsDevelopment() : valid && chosen,
            Invalid = !string.IsNullOrWhiteSpace(setting) && !valid,
            ServerUrl = OwnAddress(configuration),
        };
    }

    // The address the server will listen on, as PublicUrls would report it, decided from configuration alone.
    private static string? OwnAddress(IConfiguration configuration)
    {
        if (configuration["LATCHKEY_SERVER_URL"] is { Length: > 0 } configured)
        {
            return configured.Trim().TrimEnd('/');
        }

        var scheme = string.IsNullOrWhiteSpace(configuration["LATCHKEY_TLS_CERT_FILE"]) ? "http" : "https";
        var address = configuration["urls"] is { Length: > 0 } urls
            ? urls.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)[0]
            : $"{scheme}://{StripScheme(configuration["LATCHKEY_BIND"] ?? "localhost")}:{configuration["LATCHKEY_PORT"] ?? configuration["PORT"] ?? "3003"}";
        address = address.Replace("://+", "://localhost", StringComparison.Ordinal).Replace("://*", "://localhost", StringComparison.Ordinal);
        if (!Uri.TryCreate(address, UriKind.Absolute, out var uri) || uri.Port == 0)
        {
            return null;
        }

        var host = uri.Host is "0.0.0.0" or "[::]" or "::" ? "localhost" : uri.Host;
        return $"{uri.Scheme}://{host}:{uri.Port}";
    }

    private static string StripScheme(string bind)
    {
        var scheme = bind.IndexOf("://", StringComparison.Ordinal);
        return (scheme >= 0 ? bind[(scheme + 3)..] : bind).Trim().TrimEnd('/');
    }
}
