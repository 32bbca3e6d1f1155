using Latchkey.Server.Callers;

namespace Latchkey.Server.Audit;

/// <summary>
/// The audit trail: every change made through the dashboard or the API, recorded by the features through
/// <see cref="AuditTrail"/>; <c>GET /audit</c> with the secret key; purged after <c>LATCHKEY_AUDIT_RETENTION_DAYS</c>.
/// </summary>
public static class AuditFeature
{
    public static WebApplicationBuilder AddAudit(this WebApplicationBuilder builder)
    {
        builder.Services.AddOptions<AuditOptions>()
            .Configure<IConfiguration>((options, configuration) =>
            {
                var text = configuration["LATCHKEY_AUDIT_RETENTION_DAYS"];
                if (int.TryParse(text, out var days))
                {
                    options.RetentionDays = days;
                }
                else if (!string.IsNullOrWhiteSpace(text))
                {
                    options.RetentionDays = -1;
                }
            })
            .Validate(options => options.RetentionDays is >= 1 and <= 36500, "LATCHKEY_AUDIT_RETENTION_DAYS must be a whole number of days from 1 to 36500.")
            .ValidateOnStart();
        builder.Services.AddSingleton<AuditStore>();
        builder.Services.AddSingleton<AuditTrail>();
        builder.Services.AddSingleton<AuditPurge>();
        builder.Services.AddHostedService(services => services.GetRequiredService<AuditPurge>());
        return builder;
    }

    public static IEndpointRouteBuilder MapAudit(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapGroup("/audit").WithTags("Audit").RequireCaller(AuthScheme.SecretKey)
            .MapGet("", AuditEndpoints.ListAsync);
        return endpoints;
    }
}
