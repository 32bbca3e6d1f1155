using Latchkey.Server.Hosting;
using Latchkey.Server.Storage;

namespace Latchkey.Server.Realtime;

public sealed class RealtimeOptions
{
    /// <summary><c>LATCHKEY_WEBSOCKETS_PATH</c>: where the SDK opens its WebSocket (default <c>/</c>, exact match).</summary>
    public string WebSocketsPath { get; set; } = "/";
}

public static class RealtimeFeature
{
    public static WebApplicationBuilder AddRealtime(this WebApplicationBuilder builder)
    {
        builder.Services.AddOptions<RealtimeOptions>()
            .Configure<IConfiguration>((options, configuration) => options.WebSocketsPath = configuration["LATCHKEY_WEBSOCKETS_PATH"] ?? "/")
            .Validate(options => options.WebSocketsPath.StartsWith('/'), "LATCHKEY_WEBSOCKETS_PATH must start with '/'.")
            .ValidateOnStart();
        builder.Services.AddSingleton<RealtimeHub>();
        builder.Services.AddSingleton<SocketLimits>();
        // On PostgreSQL the callback may land on another instance than the socket (DESIGN "Scale-out").
        builder.Services.AddSingleton<IAuthResultBus>(services => services.GetRequiredService<Database>().Dialect == SqlDialect.Postgres
            ? ActivatorUtilities.CreateInstance<PostgresAuthResultBus>(services)
            : ActivatorUtilities.CreateInstance<InProcessAuthResultBus>(services));
        builder.Services.AddSingleton<INotificationHandler, AuthOutcomeRelay>();
        return builder;
    }

    /// <summary>Accepts WebSocket upgrades on exactly the configured path (query ignored); other requests pass on.</summary>
    public static WebApplication UseRealtime(this WebApplication app)
    {
        var path = app.Services.GetRequiredService<Microsoft.Extensions.Options.IOptions<RealtimeOptions>>().Value.WebSocketsPath;
        app.UseWebSockets(new WebSocketOptions { KeepAliveInterval = TimeSpan.FromSeconds(30) });
        app.Use(async (context, next) =>
        {
            if (!context.WebSockets.IsWebSocketRequest || !string.Equals(context.Request.Path.Value, path, StringComparison.Ordinal))
            {
                await next(context);
                return;
            }

            var limits = context.RequestServices.GetRequiredService<SocketLimits>();
            using var lease = limits.TryOpen(context);
            if (!lease.IsAcquired)
            {
                await RateLimits.WriteTooManyRequests(context);
                return;
            }

            using var socket = await context.WebSockets.AcceptWebSocketAsync();
            await context.RequestServices.GetRequiredService<RealtimeHub>().RunAsync(socket, limits.IdleLifetime, context.RequestAborted);
        });
        return app;
    }
}
