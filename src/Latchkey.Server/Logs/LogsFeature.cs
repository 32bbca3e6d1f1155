using Latchkey.Server.Callers;

namespace Latchkey.Server.Logs;

public static class LogsFeature
{
    public static WebApplicationBuilder AddLogs(this WebApplicationBuilder builder)
    {
        builder.Services.AddOptions<LogsOptions>()
            .Configure<IConfiguration>((options, configuration) =>
            {
                if (int.TryParse(configuration["LATCHKEY_LOG_RETENTION_DAYS"], out var days))
                {
                    options.RetentionDays = days;
                }
                else if (!string.IsNullOrWhiteSpace(configuration["LATCHKEY_LOG_RETENTION_DAYS"]))
                {
                    options.RetentionDays = -1;
                }
            })
            .Validate(options => options.RetentionDays is >= 1 and <= 3650, "LATCHKEY_LOG_RETENTION_DAYS must be a whole number of days from 1 to 3650.")
            .ValidateOnStart();
        builder.Services.AddSingleton<AuthLogWriter>();
        builder.Services.AddSingleton<AuthLogStore>();
        builder.Services.AddHostedService<AuthLogBackgroundWriter>();
        builder.Services.AddSingleton<AuthLogPurge>();
        builder.Services.AddHostedService(services => services.GetRequiredService<AuthLogPurge>());
        return builder;
    }

    public static IEndpointRouteBuilder MapLogs(this IEndpointRouteBuilder endpoints)
    {
        var group = endpoints.MapGroup("/logs").WithTags("Logs").RequireCaller(AuthScheme.SecretKey);
        group.MapGet("", LogsEndpoints.ListLogsAsync);
        group.MapGet("/{logId}", LogsEndpoints.GetLogAsync);
        return endpoints;
    }
}
