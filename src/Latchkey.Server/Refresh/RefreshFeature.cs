using Latchkey.Server.Callers;
using Latchkey.Server.Storage;

namespace Latchkey.Server.Refresh;

/// <summary>Credentials refreshed when they are read (spec §5.10): single flight per connection, failures recorded.</summary>
public static class RefreshFeature
{
    public static WebApplicationBuilder AddRefresh(this WebApplicationBuilder builder)
    {
        builder.Services.AddSingleton<RefreshCredentials>();
        builder.Services.AddSingleton<TokenRefresher>();
        builder.Services.AddSingleton<CredentialReader>();
        builder.Services.AddSingleton<InProcessRefreshLock>();
        // Instances sharing PostgreSQL also wait for each other; SQLite means one instance, so the in-process lock is enough.
        builder.Services.AddSingleton<IRefreshLock>(services => services.GetRequiredService<Database>().Dialect == SqlDialect.Postgres
            ? ActivatorUtilities.CreateInstance<PostgresRefreshLock>(services)
            : services.GetRequiredService<InProcessRefreshLock>());
        return builder;
    }

    /// <summary><c>GET /connections/:id</c> and its deprecated <c>/connection/:id</c> twin (spec §4.6).</summary>
    public static IEndpointRouteBuilder MapRefresh(this IEndpointRouteBuilder endpoints)
    {
        foreach (var prefix in new[] { "/connections", "/connection" })
        {
            endpoints.MapGet(prefix + "/{connectionId}", FreshConnectionEndpoint.GetConnectionAsync)
                .WithTags("Connections").RequireCaller(AuthScheme.SecretKey);
        }

        return endpoints;
    }
}
