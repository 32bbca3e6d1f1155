using Latchkey.Server.Callers;
using Latchkey.Server.Storage;

namespace Latchkey.Server.Connections;

public static class ConnectionsFeature
{
    public static WebApplicationBuilder AddConnections(this WebApplicationBuilder builder)
    {
        builder.Services.AddSingleton<ConnectionCache>();
        builder.Services.AddSingleton<IRowChangeObserver>(services => services.GetRequiredService<ConnectionCache>());
        builder.Services.AddSingleton<INotificationHandler, RowChangeNotifications>();
        builder.Services.AddSingleton<ConnectionStore>();
        builder.Services.AddSingleton<ConnectionSecrets>();
        builder.Services.AddSingleton<ConnectionWriter>();
        builder.Services.AddSingleton<ConnectionLimits>();
        builder.Services.AddSingleton<FetchStamps>();
        builder.Services.AddHostedService(services => services.GetRequiredService<FetchStamps>());
        return builder;
    }

    /// <summary>Both <c>/connections</c> and the deprecated <c>/connection</c> paths behave identically (spec §4.6).</summary>
    public static IEndpointRouteBuilder MapConnections(this IEndpointRouteBuilder endpoints)
    {
        foreach (var prefix in new[] { "/connections", "/connection" })
        {
            var group = endpoints.MapGroup(prefix).WithTags("Connections").RequireCaller(AuthScheme.SecretKey);
            group.MapGet("", ConnectionsEndpoints.ListConnectionsAsync);
            group.MapPost("/metadata", ConnectionsEndpoints.SetMetadataAsync);
            group.MapPatch("/metadata", ConnectionsEndpoints.SetMetadataAsync);
            group.MapDelete("/{connectionId}", ConnectionsEndpoints.DeleteConnectionAsync);
            group.MapPatch("/{connectionId}", ConnectionsEndpoints.PatchConnectionAsync);
            group.MapPost("/{connectionId}/metadata", ConnectionsEndpoints.SetLegacyMetadataAsync);
            group.MapPatch("/{connectionId}/metadata", ConnectionsEndpoints.SetLegacyMetadataAsync);
        }

        return endpoints;
    }
}
