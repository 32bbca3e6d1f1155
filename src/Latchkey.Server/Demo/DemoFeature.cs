using Latchkey.Server.Providers;

namespace Latchkey.Server.Demo;

/// <summary>
/// The built-in demo provider (issue 17 item 5): a made-up API-key service and OAuth 2 server under
/// <c>/demo-provider</c>, with their catalog entries, so the quickstart can be finished offline. On in Development
/// or with <c>LATCHKEY_DEMO_PROVIDER=true</c>; nothing of it exists otherwise.
/// </summary>
public static class DemoFeature
{
    public const string PathBase = "/demo-provider";

    public static WebApplicationBuilder AddDemoProvider(this WebApplicationBuilder builder)
    {
        var options = DemoOptions.From(builder.Configuration, builder.Environment);
        builder.Services.AddOptions<DemoOptions>()
            .Configure(_ => { })
            .Validate(_ => !options.Invalid, "LATCHKEY_DEMO_PROVIDER must be true or false.")
            .ValidateOnStart();
        builder.Services.AddSingleton(options);
        if (!options.Active)
        {
            return builder;
        }

        builder.Services.AddSingleton<DemoProvider>();
        builder.Services.Configure<ProvidersOptions>(providers => providers.AddedCatalogs.Add(("demo provider", DemoCatalog.Yaml(options.BaseUrl))));
        // Every named client (provider calls, the proxy): calls to the demo's base are answered in the process.
        builder.Services.ConfigureHttpClientDefaults(client =>
            client.AddHttpMessageHandler(services => new DemoRoute(services.GetRequiredService<DemoProvider>(), options.BaseUrl)));
        return builder;
    }

    public static IEndpointRouteBuilder MapDemoProvider(this IEndpointRouteBuilder endpoints)
    {
        var options = endpoints.ServiceProvider.GetRequiredService<DemoOptions>();
        var logger = endpoints.ServiceProvider.GetRequiredService<ILoggerFactory>().CreateLogger(typeof(DemoFeature).FullName!);
        if (options.Enabled && !options.Active)
        {
            logger.LogWarning("The demo provider is off: its address is only known once the server listens (port 0). Set LATCHKEY_SERVER_URL or a fixed port to use it.");
        }

        if (!options.Active)
        {
            return endpoints;
        }

        logger.LogInformation("Demo provider on at {Url}/ ({ApiKey}, {OAuth}): made-up accounts for trying Latchkey; LATCHKEY_DEMO_PROVIDER=false turns it off",
            options.BaseUrl, DemoCatalog.ApiKeyProvider, DemoCatalog.OAuthProvider);
        var group = endpoints.MapGroup(PathBase).WithTags("Demo provider").ExcludeFromDescription();
        group.MapGet("/", DemoEndpoints.Home);
        group.MapGet("/api/me", DemoEndpoints.Me);
        group.MapGet("/oauth/authorize", DemoEndpoints.Authorize);
        group.MapPost("/oauth/authorize", DemoEndpoints.DecideAsync).DisableAntiforgery();
        group.MapPost("/oauth/token", DemoEndpoints.TokenAsync).DisableAntiforgery();
        return endpoints;
    }
}
