using Latchkey.Server.Hosting;
using Latchkey.Server.Hosting.Authentication;

namespace Latchkey.Server.ConnectSessions;

public static class ConnectSessionsFeature
{
    public static WebApplicationBuilder AddConnectSessions(this WebApplicationBuilder builder)
    {
        builder.Services.AddSingleton<ConnectSessionStore>();
        builder.Services.AddHostedService<ExpiredSessionsCleanup>();
        return builder;
    }

    public static IEndpointRouteBuilder MapConnectSessions(this IEndpointRouteBuilder endpoints)
    {
        var backend = endpoints.MapGroup("/connect/sessions").WithTags("Connect sessions").RequireCaller(AuthScheme.SecretKey);
        backend.MapPost("", ConnectSessionsEndpoints.CreateConnectSessionAsync);
        backend.MapPost("/reconnect", ConnectSessionsEndpoints.CreateReconnectSessionAsync);

        var session = endpoints.MapGroup("/connect/session").WithTags("Connect sessions").RequireCaller(AuthScheme.SessionToken);
        session.MapGet("", ConnectSessionsEndpoints.GetConnectSessionAsync);
        session.MapDelete("", ConnectSessionsEndpoints.DeleteConnectSessionAsync);

        endpoints.MapPost("/connect/telemetry", ConnectTelemetryEndpoint.RecordTelemetryAsync)
            .WithTags("Connect sessions").RequireCors(CorsPolicies.Telemetry);
        return endpoints;
    }
}
