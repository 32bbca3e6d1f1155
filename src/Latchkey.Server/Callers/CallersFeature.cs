using Latchkey.Server.Hosting;

namespace Latchkey.Server.Callers;

/// <summary>Who is calling (spec §4.1): secret key, connect session token or public key, checked per endpoint.</summary>
public static class CallersFeature
{
    public static WebApplicationBuilder AddCallers(this WebApplicationBuilder builder)
    {
        builder.Services.AddSingleton<CallerAuthentication>();
        builder.Services.AddSingleton<CallerLimits>();
        builder.Services.AddSingleton<IGlobalRequestLimit>(services => services.GetRequiredService<CallerLimits>());
        return builder;
    }

    /// <summary>Runs after routing (it reads the endpoint's scheme) and before binding (handlers take the caller).</summary>
    public static WebApplication UseCallers(this WebApplication app)
    {
        app.Use(CallerAuthentication.Middleware);
        return app;
    }
}
