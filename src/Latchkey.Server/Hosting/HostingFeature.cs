using System.Net;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace Latchkey.Server.Hosting;

public static class HostingFeature
{
    public static WebApplicationBuilder AddHosting(this WebApplicationBuilder builder)
    {
        builder.Services.AddOptions<ServerOptions>()
            .Configure<IConfiguration>((options, configuration) => Bind(options, configuration))
            .Validate(options => options.Port is > 0 and < 65536, "LATCHKEY_PORT must be a TCP port (1-65535).")
            .Validate(options => IsUrlOrEmpty(options.ServerUrl), "LATCHKEY_SERVER_URL must be an absolute http(s) URL.")
            .Validate(options => IsUrlOrEmpty(options.CallbackUrl), "LATCHKEY_CALLBACK_URL must be an absolute http(s) URL.")
            .Validate(options => IsUrlOrEmpty(options.ConnectUiUrl), "LATCHKEY_CONNECT_UI_URL must be an absolute http(s) URL.")
            .Validate(options => options.MaxBodyBytes is >= 1024 and <= 100 * 1024 * 1024, "LATCHKEY_MAX_BODY_BYTES must be between 1 KiB and 100 MiB.")
            .ValidateOnStart();

        // The options are bound once (above); Kestrel reads them from the container. It listens on
        // LATCHKEY_BIND:LATCHKEY_PORT unless the standard ASP.NET settings (--urls, ASPNETCORE_URLS) say otherwise.
        builder.WebHost.ConfigureKestrel((context, kestrel) =>
        {
            var server = kestrel.ApplicationServices.GetRequiredService<IOptions<ServerOptions>>().Value;
            if (string.IsNullOrEmpty(context.Configuration["urls"]))
            {
                Listen(kestrel, server.Bind, server.Port);
            }

            kestrel.Limits.MaxRequestBodySize = server.MaxBodyBytes;
            kestrel.Limits.KeepAliveTimeout = TimeSpan.FromSeconds(61);
            kestrel.AddServerHeader = false;
        });

        // URLs carry session tokens, states and codes: the categories that print them stay at Warning whatever the
        // configuration (or its absence, outside the app folder) says, so no token reaches a log.
        builder.Services.AddUrlLoggingGuard();

        builder.Services.ConfigureHttpJsonOptions(json =>
        {
            json.SerializerOptions.PropertyNamingPolicy = LatchkeyJson.Options.PropertyNamingPolicy;
            json.SerializerOptions.DictionaryKeyPolicy = null;
        });
        builder.Services.TryAddSingleton(TimeProvider.System);
        builder.Services.AddSingleton<PublicUrls>();
        builder.Services.AddLatchkeyCors();
        return builder;
    }

    /// <summary>The request pipeline, in the order it must run.</summary>
    public static WebApplication UseHosting(this WebApplication app)
    {
        app.UseExceptionHandler(new ExceptionHandlerOptions { ExceptionHandler = RequestRules.WriteUnhandledError });
        app.UseStatusCodePages(context => RequestRules.WriteStatusEnvelope(context.HttpContext));
        app.Use(RequestRules.AddSecurityHeaders);
        app.UseRouting();
        app.UseCors();
        app.Use(RequestRules.RequireJsonContentType);
        return app;
    }

    public static IEndpointRouteBuilder MapHealth(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapGet("/health", () => TypedResults.Ok(new HealthAnswer("ok"))).WithTags("Health");
        return endpoints;
    }

    // What UseUrls would do with http://{bind}:{port}: localhost means both loopbacks, an IP that address, a name every interface.
    private static void Listen(KestrelServerOptions kestrel, string bind, int port)
    {
        if (bind.Equals("localhost", StringComparison.OrdinalIgnoreCase))
        {
            kestrel.ListenLocalhost(port);
        }
        else if (IPAddress.TryParse(bind.Trim('[', ']'), out var address))
        {
            kestrel.Listen(address, port);
        }
        else
        {
            kestrel.ListenAnyIP(port);
        }
    }

    private static void Bind(ServerOptions options, IConfiguration configuration)
    {
        if (int.TryParse(configuration["LATCHKEY_PORT"] ?? configuration["PORT"], out var port))
        {
            options.Port = port;
        }

        options.Bind = configuration["LATCHKEY_BIND"] ?? options.Bind;
        options.ServerUrl = configuration["LATCHKEY_SERVER_URL"];
        options.CallbackUrl = configuration["LATCHKEY_CALLBACK_URL"];
        options.ConnectUiUrl = configuration["LATCHKEY_CONNECT_UI_URL"];
        options.PublicKeyAuth = bool.TryParse(configuration["LATCHKEY_PUBLIC_KEY_AUTH"], out var publicKey) && publicKey;
        if (long.TryParse(configuration["LATCHKEY_MAX_BODY_BYTES"], out var maxBody))
        {
            options.MaxBodyBytes = maxBody;
        }
    }

    private static bool IsUrlOrEmpty(string? value) =>
        string.IsNullOrWhiteSpace(value) || (Uri.TryCreate(value, UriKind.Absolute, out var uri) && uri.Scheme is "http" or "https");

    private sealed record HealthAnswer(string Result);
}
