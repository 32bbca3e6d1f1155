using System.Text.Json.Serialization;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Latchkey.Server.Hosting;

/// <summary>
/// Liveness and readiness. <c>/health/live</c>: the process answers. <c>/health/ready</c>: every registered health
/// check passes (the database answers, the key ring is loaded; each feature registers its own). <c>/health</c> is
/// readiness too, with the same body as ever (<c>{"result":"ok"}</c>): the SDKs, scripts and load balancers that poll it
/// wait for a server that can serve.
/// </summary>
public static class HealthEndpoints
{
    public static IServiceCollection AddReadinessChecks(this IServiceCollection services)
    {
        services.AddHealthChecks();
        return services;
    }

    public static IEndpointRouteBuilder MapHealth(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapGet("/health", ReadyAsync).WithTags("Health");
        endpoints.MapGet("/health/ready", ReadyAsync).WithTags("Health");
        endpoints.MapGet("/health/live", () => TypedResults.Ok(new HealthAnswer("ok"))).WithTags("Health");
        return endpoints;
    }

    public static async Task<Results<Ok<HealthAnswer>, JsonHttpResult<HealthAnswer>>> ReadyAsync(HealthCheckService health, CancellationToken cancellationToken)
    {
        var report = await health.CheckHealthAsync(cancellationToken);
        if (report.Status == HealthStatus.Healthy)
        {
            return TypedResults.Ok(new HealthAnswer("ok"));
        }

        // The names only: a check's description may carry a host name or a driver's message, which belong in the log.
        var failing = report.Entries.Where(entry => entry.Value.Status != HealthStatus.Healthy).Select(entry => entry.Key).Order(StringComparer.Ordinal).ToList();
        return TypedResults.Json(new HealthAnswer("unavailable", failing), statusCode: StatusCodes.Status503ServiceUnavailable);
    }

    /// <summary><c>result</c> is <c>ok</c> or <c>unavailable</c>; <c>failing</c> names the checks that failed.</summary>
    public sealed record HealthAnswer(
        string Result,
        [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] IReadOnlyList<string>? Failing = null);
}
