using Microsoft.Extensions.Configuration.Memory;

namespace Latchkey.Server.Hosting;

/// <summary>
/// The log levels the server runs with, in code so they hold wherever it is started from (an appsettings.json is
/// found only in the working directory). They are the lowest configuration source: an appsettings.json there,
/// environment variables (<c>Logging__LogLevel__Default=Debug</c>) or the command line still override them. Per-request
/// framework chatter stays at Warning; the URL-printing categories are pinned separately by <see cref="UrlLoggingGuard"/>.
/// </summary>
public static class LogDefaults
{
    public static readonly IReadOnlyDictionary<string, string?> Levels = new Dictionary<string, string?>
    {
        ["Logging:LogLevel:Default"] = "Information",
        ["Logging:LogLevel:Microsoft.AspNetCore"] = "Warning",
        ["Logging:LogLevel:Microsoft.Hosting.Lifetime"] = "Information",
        ["Logging:LogLevel:System.Net.Http.HttpClient"] = "Warning",
    };

    public static WebApplicationBuilder AddLogDefaults(this WebApplicationBuilder builder)
    {
        builder.Configuration.Sources.Insert(0, new MemoryConfigurationSource { InitialData = Levels });
        return builder;
    }
}
