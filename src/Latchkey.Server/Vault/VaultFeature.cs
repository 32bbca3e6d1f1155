using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.DataProtection.KeyManagement;
using Microsoft.Extensions.Options;

namespace Latchkey.Server.Vault;

public static class VaultFeature
{
    public static WebApplicationBuilder AddVault(this WebApplicationBuilder builder)
    {
        builder.Services.AddOptions<VaultOptions>()
            .Configure<IConfiguration>(Bind)
            .Validate(options => options.EncryptionKeys is null || TryParse(options.EncryptionKeys),
                "LATCHKEY_ENCRYPTION_KEY must be one or more base64-encoded 32-byte keys separated by commas (e.g. `openssl rand -base64 32`).")
            .ValidateOnStart();

        builder.Services.AddSingleton(services => LoadKeyRing(
            services.GetRequiredService<IOptions<VaultOptions>>().Value,
            services.GetRequiredService<ILogger<KeyRing>>()));
        builder.Services.AddSingleton<SecretCodec>();
        builder.Services.AddSingleton<TokenHasher>();
        builder.Services.AddSingleton<KeyCheckStore>();
        builder.Services.AddHostedService<EncryptionKeyCheck>();
        builder.Services.AddSingleton<KeyRingHealthCheck>();
        builder.Services.AddHealthChecks().AddCheck<KeyRingHealthCheck>("key_ring");
        AddDataProtectionKeys(builder);
        return builder;
    }

    /// <summary>
    /// Data Protection (the dashboard's cookie and antiforgery) keeps its keys in the database, sealed, so they are
    /// the same on every instance and survive restarts. Set before AddDataProtection, so it never picks a folder.
    /// </summary>
    private static void AddDataProtectionKeys(WebApplicationBuilder builder)
    {
        builder.Services.AddSingleton<DataProtectionKeyStore>();
        builder.Services.AddOptions<KeyManagementOptions>()
            .Configure<DataProtectionKeyStore>((options, store) => options.XmlRepository = store);
        // A fixed name: by default it is the content root, which differs between installs of one deployment.
        builder.Services.AddDataProtection().SetApplicationName("latchkey");
        builder.Services.AddHostedService<DataProtectionStartup>();
        // Its one warning says keys are stored unencrypted, which is untrue here: the store seals each key's XML.
        builder.Logging.AddFilter("Microsoft.AspNetCore.DataProtection.KeyManagement.XmlKeyManager", LogLevel.Error);
    }

    public static void Bind(VaultOptions options, IConfiguration configuration)
    {
        options.EncryptionKeys = string.IsNullOrWhiteSpace(configuration["LATCHKEY_ENCRYPTION_KEY"]) ? null : configuration["LATCHKEY_ENCRYPTION_KEY"];
        options.KeyFilePath = Path.Combine(configuration["LATCHKEY_DATA_DIR"] ?? "data", "encryption.key");
    }

    internal static KeyRing LoadKeyRing(VaultOptions options, ILogger logger)
    {
        if (!string.IsNullOrWhiteSpace(options.EncryptionKeys))
        {
            return new KeyRing(KeyRing.ParseList(options.EncryptionKeys), "LATCHKEY_ENCRYPTION_KEY");
        }

        if (File.Exists(options.KeyFilePath))
        {
            return new KeyRing(KeyFile.Read(options.KeyFilePath), options.KeyFilePath);
        }

        var key = EncryptionKey.Generate();
        KeyFile.Write(options.KeyFilePath, [key]);
        logger.LogWarning(
            "No LATCHKEY_ENCRYPTION_KEY was set, so a new encryption key ({KeyId}) was generated at {Path}. Back it up: without it, stored credentials cannot be read.",
            key.Id,
            Path.GetFullPath(options.KeyFilePath));
        return new KeyRing([key], options.KeyFilePath);
    }

    private static bool TryParse(string text)
    {
        try
        {
            return KeyRing.ParseList(text).Count > 0;
        }
        catch (Exception exception) when (exception is FormatException or ArgumentException)
        {
            return false;
        }
    }
}
