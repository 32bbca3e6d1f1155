namespace Latchkey.Server.Storage;

public static class StorageFeature
{
    public static WebApplicationBuilder AddStorage(this WebApplicationBuilder builder)
    {
        builder.Services.AddOptions<StorageOptions>()
            .Configure<IConfiguration>(Bind)
            .Validate(options => !options.UsesPostgres || IsValidPostgres(options.DatabaseUrl!),
                "LATCHKEY_DATABASE_URL must be a PostgreSQL URL (postgres://user:password@host:5432/database) or an Npgsql connection string.")
            .Validate(options => options.ConnectionCacheSize >= 0, "LATCHKEY_CONNECTION_CACHE_SIZE must be a whole number of rows, 0 or more.")
            .ValidateOnStart();
        builder.Services.AddSingleton<RowChanges>();
        builder.Services.AddSingleton<Database>();
        builder.Services.AddSingleton<GroupCommit>();
        builder.Services.AddSingleton<PreparedReads>();
        // First of all hosted services: the start-up lock spans every start that follows, migrations included.
        builder.Services.AddHostedService<StartupLock>();
        builder.Services.AddHostedService<SchemaMigrator>();
        builder.Services.AddSingleton<InstanceNotifications>();
        builder.Services.AddSingleton<ListenerStatus>();
        builder.Services.AddSingleton<NotificationListener>();
        builder.Services.AddHostedService(services => services.GetRequiredService<NotificationListener>());
        builder.Services.AddSingleton<DatabaseHealthCheck>();
        builder.Services.AddHealthChecks().AddCheck<DatabaseHealthCheck>("database");
        Dapper.DefaultTypeMap.MatchNamesWithUnderscores = true;
        return builder;
    }

    public static void Bind(StorageOptions options, IConfiguration configuration)
    {
        options.DataDirectory = configuration["LATCHKEY_DATA_DIR"] ?? "data";
        var cacheSize = configuration["LATCHKEY_CONNECTION_CACHE_SIZE"];
        options.ConnectionCacheSize = string.IsNullOrWhiteSpace(cacheSize) ? options.ConnectionCacheSize
            : int.TryParse(cacheSize, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var rows) ? rows : -1;
        options.DatabaseUrl = string.IsNullOrWhiteSpace(configuration["LATCHKEY_DATABASE_URL"]) ? null : configuration["LATCHKEY_DATABASE_URL"];
    }

    private static bool IsValidPostgres(string value)
    {
        try
        {
            PostgresConnectionString.From(value);
            return true;
        }
        catch (Exception exception) when (exception is ArgumentException or UriFormatException or FormatException)
        {
            return false;
        }
    }
}
