namespace Latchkey.Server.Tests.Hosting;

/// <summary>The log levels live in code: a server whose content root holds no appsettings.json runs with them.</summary>
public sealed class LogDefaultsTests
{
    [Fact]
    public async Task FromAFolderWithoutAppSettings_FrameworkRequestLogsStayAtWarning_OursAtInformation()
    {
        var foreign = Directory.CreateTempSubdirectory("latchkey-foreign-cwd-");
        try
        {
            var output = TestContext.Current.TestOutputHelper;
            await using var app = await TestApp.StartAsync(echo: output is null ? null : output.WriteLine, contentRoot: foreign.FullName);
            var loggers = app.Services.GetRequiredService<ILoggerFactory>();

            Assert.False(loggers.CreateLogger("Microsoft.AspNetCore.Authentication.Cookies.CookieAuthenticationHandler").IsEnabled(LogLevel.Information));
            Assert.False(loggers.CreateLogger("Microsoft.AspNetCore.Routing.EndpointMiddleware").IsEnabled(LogLevel.Information));
            Assert.False(loggers.CreateLogger("System.Net.Http.HttpClient.outbound.LogicalHandler").IsEnabled(LogLevel.Information));
            Assert.True(loggers.CreateLogger("Microsoft.AspNetCore.Diagnostics.ExceptionHandlerMiddleware").IsEnabled(LogLevel.Warning));
            Assert.True(loggers.CreateLogger("Microsoft.Hosting.Lifetime").IsEnabled(LogLevel.Information));
            Assert.True(loggers.CreateLogger("Latchkey.Server.Storage.SchemaMigrator").IsEnabled(LogLevel.Information));
            Assert.False(loggers.CreateLogger("Latchkey.Server.Storage.SchemaMigrator").IsEnabled(LogLevel.Debug));
        }
        finally
        {
            foreign.Delete(recursive: true);
        }
    }

    [Fact]
    public async Task Configuration_StillOverridesTheDefaults()
    {
        await using var app = await Server.StartAsync(new Dictionary<string, string?>
        {
            ["Logging:LogLevel:Microsoft.AspNetCore.Authentication"] = "Debug",
            ["Logging:LogLevel:Default"] = "Warning",
        });
        var loggers = app.Services.GetRequiredService<ILoggerFactory>();

        Assert.True(loggers.CreateLogger("Microsoft.AspNetCore.Authentication.Cookies.CookieAuthenticationHandler").IsEnabled(LogLevel.Debug));
        Assert.False(loggers.CreateLogger("Latchkey.Server.Storage.SchemaMigrator").IsEnabled(LogLevel.Information));
    }
}
