namespace Latchkey.Server.Storage;

public static class StorageFeature
{
    public static WebApplicationBuilder AddStorage(this WebApplicationBuilder builder)
    {
        builder.Services.AddOptions<StorageOptions>()
            .Configure<IConfiguration>(Bind)
            .Validate(options => !options.UsesPostgres || IsValidPostgres(options.DatabaseUrl!),
                "LATCHKEY_DATABASE_URL must be a PostgreSQL URL (postgres://user:password@host:5432/database) or an Npgsql connection string.")
            .ValidateOnStart();
        builder.Services.AddSingleton<Database>();
        builder.Services.AddSingleton<PreparedReads>();
        builder.Services.AddHostedService<SchemaMigrator>();
        Dapper.DefaultTypeMap.MatchNamesWithUnderscores = true;
        return builder;
    }

    public static void Bind(StorageOptions options, IConfiguration configuration)
    {
        options.DataDirectory = configuration["LATCHKEY_DATA_DIR"] ?? "data";
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
