using Latchkey.Server.Storage;

namespace Latchkey.Server.Environments;

public static class EnvironmentsFeature
{
    public static WebApplicationBuilder AddEnvironments(this WebApplicationBuilder builder)
    {
        builder.Services.AddOptions<EnvironmentsOptions>()
            .Configure<IConfiguration>((options, configuration) =>
            {
                options.SecretKeyDev = Blank(configuration["LATCHKEY_SECRET_KEY_DEV"]);
                options.SecretKeyProd = Blank(configuration["LATCHKEY_SECRET_KEY_PROD"]);
                options.ConnectionLimit = int.TryParse(configuration["LATCHKEY_CONNECTION_LIMIT"], out var limit) ? limit : null;
                if (configuration["LATCHKEY_SESSION_MAX_CONNECTIONS"] is { Length: > 0 } perSession)
                {
                    options.SessionConnectionLimit = int.TryParse(perSession, out var max) ? max : -1;
                }
            })
            .Validate(options => options.SecretKeyDev is null || KeyFormats.IsSecretKey(options.SecretKeyDev),
                "LATCHKEY_SECRET_KEY_DEV must be lk_sk_ followed by 64 lower-case hex characters, or a UUID v4.")
            .Validate(options => options.SecretKeyProd is null || KeyFormats.IsSecretKey(options.SecretKeyProd),
                "LATCHKEY_SECRET_KEY_PROD must be lk_sk_ followed by 64 lower-case hex characters, or a UUID v4.")
            .Validate(options => options.SecretKeyDev is null || options.SecretKeyDev != options.SecretKeyProd,
                "LATCHKEY_SECRET_KEY_DEV and LATCHKEY_SECRET_KEY_PROD must differ.")
            .Validate(options => options.ConnectionLimit is null or >= 0, "LATCHKEY_CONNECTION_LIMIT must be zero or more.")
            .Validate(options => options.SessionConnectionLimit >= 1, "LATCHKEY_SESSION_MAX_CONNECTIONS must be a whole number of at least 1.")
            .ValidateOnStart();
        builder.Services.AddSingleton<EnvironmentStore>();
        builder.Services.AddSingleton<EnvironmentDirectory>();
        builder.Services.AddSingleton<INotificationHandler, EnvironmentChangeRelay>();
        builder.Services.AddHostedService<EnvironmentBootstrap>();
        return builder;
    }

    private static string? Blank(string? value) => string.IsNullOrWhiteSpace(value) ? null : value.Trim();
}
