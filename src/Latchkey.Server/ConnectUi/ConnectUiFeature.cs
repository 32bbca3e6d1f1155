namespace Latchkey.Server.ConnectUi;

/// <summary>
/// The Connect UI (spec §3.1): the static app built from <c>web/connect-ui</c> into <c>wwwroot/connect-ui</c>, served
/// under <c>/connect-ui/</c> with an SPA fallback and a Content-Security-Policy whose <c>frame-ancestors</c> are the
/// environments' allowed origins.
/// </summary>
public static class ConnectUiFeature
{
    public static WebApplicationBuilder AddConnectUi(this WebApplicationBuilder builder)
    {
        builder.Services.AddOptions<ConnectUiOptions>()
            .Configure<IConfiguration>((options, configuration) => options.Folder = configuration["LATCHKEY_CONNECT_UI_DIR"])
            .Validate(options => string.IsNullOrWhiteSpace(options.Folder) || File.Exists(Path.Combine(options.Folder, "index.html")),
                "LATCHKEY_CONNECT_UI_DIR must name a folder that holds a Connect UI build (index.html).")
            .ValidateOnStart();
        builder.Services.AddSingleton<ConnectUiPage>();
        return builder;
    }

    public static IEndpointRouteBuilder MapConnectUi(this IEndpointRouteBuilder endpoints)
    {
        var group = endpoints.MapGroup("/connect-ui").WithTags("Connect UI").ExcludeFromDescription();
        group.MapMethods("", [HttpMethods.Get, HttpMethods.Head], ConnectUiEndpoints.ServeAsync);
        group.MapMethods("/{**path}", [HttpMethods.Get, HttpMethods.Head], ConnectUiEndpoints.ServeAsync);
        return endpoints;
    }

    /// <summary>
    /// The static files folder: the copy next to the assembly (every build and publish puts one there), whatever the
    /// working directory is, since <c>dotnet run</c> starts where the user typed it. Without one, the content root's.
    /// </summary>
    public static string? WebRootPath()
    {
        var beside = Path.Combine(AppContext.BaseDirectory, "wwwroot");
        return Directory.Exists(beside) ? beside : null;
    }
}
