using Latchkey.Server.Callers;
using Latchkey.Server.Hosting;

namespace Latchkey.Server.Connect;

/// <summary>
/// The connect flow's API (spec §4.3): the backend creates sessions, the Connect UI reads and ends its own, and sends
/// its telemetry beacon. The sessions themselves (record, table, tokens) belong to ConnectSessions, below.
/// </summary>
public static class ConnectFeature
{
    public static IEndpointRouteBuilder MapConnect(this IEndpointRouteBuilder endpoints)
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
