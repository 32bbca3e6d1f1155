namespace Latchkey.Server.Hosting;

/// <summary>CORS of spec §10.1: any origin without credentials for the API; credentialed beacons for telemetry.</summary>
public static class CorsPolicies
{
    public const string Telemetry = "telemetry";

    public static IServiceCollection AddLatchkeyCors(this IServiceCollection services) => services.AddCors(cors =>
    {
        cors.AddDefaultPolicy(policy => policy
            .AllowAnyOrigin()
            .WithMethods("GET", "HEAD", "PUT", "PATCH", "POST", "DELETE")
            .WithHeaders("Authorization", "Content-Type", "Accept", "Origin", "X-Requested-With", "Nango-Activity-Log-Id",
                "Nango-Is-Dry-Run", "Nango-Is-Sync", "Provider-Config-Key", "Connection-Id", "Sentry-Trace", "Baggage")
            .WithExposedHeaders("Authorization", "Etag", "Content-Type", "Content-Length", "X-Nango-Signature",
                "X-RateLimit-Limit", "X-RateLimit-Remaining", "X-RateLimit-Reset")
            .SetPreflightMaxAge(TimeSpan.FromSeconds(600)));

        // sendBeacon with a JSON blob is a credentialed CORS request, which `*` cannot answer; the token travels in
        // the body and the endpoint only records analytics, so reflecting the origin is safe here.
        cors.AddPolicy(Telemetry, policy => policy
            .SetIsOriginAllowed(_ => true)
            .AllowCredentials()
            .WithMethods("POST")
            .WithHeaders("Authorization", "Content-Type")
            .WithExposedHeaders("Content-Type")
            .SetPreflightMaxAge(TimeSpan.FromSeconds(36000)));
    });
}
