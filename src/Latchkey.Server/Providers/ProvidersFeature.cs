using System.Reflection;
using Latchkey.Server.Callers;
using Microsoft.Extensions.Options;

namespace Latchkey.Server.Providers;

public static class ProvidersFeature
{
    public static WebApplicationBuilder AddProviders(this WebApplicationBuilder builder)
    {
        builder.Services.AddOptions<ProvidersOptions>()
            .Configure<IConfiguration>((options, configuration) => options.ProvidersFile = configuration["LATCHKEY_PROVIDERS_FILE"])
            .Validate(options => options.ProvidersFile is null || File.Exists(options.ProvidersFile),
                "LATCHKEY_PROVIDERS_FILE names a file that does not exist.")
            .ValidateOnStart();
        builder.Services.AddSingleton(services => LoadCatalog(services.GetRequiredService<IOptions<ProvidersOptions>>().Value));
        builder.Services.AddHostedService<CatalogStartup>();
        builder.Services.AddSingleton<ProviderResponses>();
        builder.Services.AddSingleton(_ => ProviderTexts.LoadBuiltIn());
        return builder;
    }

    public static IEndpointRouteBuilder MapProviders(this IEndpointRouteBuilder endpoints)
    {
        var group = endpoints.MapGroup("/providers").WithTags("Providers").RequireCaller(AuthScheme.SessionTokenOrSecretKey);
        group.MapGet("", ProvidersEndpoints.ListProviders);
        group.MapGet("/{provider}", ProvidersEndpoints.GetProvider);

        endpoints.MapGet("/providers.json", ProvidersEndpoints.GetRawCatalog).WithTags("Providers");
        endpoints.MapGet("/images/template-logos/{file}", ProvidersEndpoints.GetLogo).WithTags("Providers");
        return endpoints;
    }

    internal static ProviderCatalog LoadCatalog(ProvidersOptions options)
    {
        var file = options.ProvidersFile;
        if (file is not null && !File.Exists(file))
        {
            throw new CatalogException($"LATCHKEY_PROVIDERS_FILE: there is no file at {file}.");
        }

        var overrides = file is null ? null : File.ReadAllText(file);
        return ProviderCatalog.Load([.. BuiltInFiles(), .. options.AddedCatalogs], overrides, options.ProvidersFile ?? "");
    }

    /// <summary>Every Providers/Catalog/*.yaml embedded in the server, by file name (one file per area of the catalog).</summary>
    internal static IReadOnlyList<(string Source, string Yaml)> BuiltInFiles()
    {
        const string Prefix = "Latchkey.Providers.";
        var assembly = Assembly.GetExecutingAssembly();
        var files = assembly.GetManifestResourceNames()
            .Where(name => name.StartsWith(Prefix, StringComparison.Ordinal) && name.EndsWith(".yaml", StringComparison.Ordinal))
            .Order(StringComparer.Ordinal)
            .Select(name =>
            {
                using var reader = new StreamReader(assembly.GetManifestResourceStream(name)!);
                return (Source: "Catalog/" + name[Prefix.Length..], Yaml: reader.ReadToEnd());
            })
            .ToArray();
        return files.Length > 0 ? files : throw new InvalidOperationException("The built-in provider catalog is missing from the server assembly.");
    }
}
