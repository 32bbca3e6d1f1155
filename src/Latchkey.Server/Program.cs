using Latchkey.Server;
using Latchkey.Server.ApiReference;
using Latchkey.Server.Audit;
using Latchkey.Server.Callers;
using Latchkey.Server.Connect;
using Latchkey.Server.ConnectSessions;
using Latchkey.Server.ConnectUi;
using Latchkey.Server.Connections;
using Latchkey.Server.CredentialEntry;
using Latchkey.Server.Dashboard;
using Latchkey.Server.Demo;
using Latchkey.Server.Environments;
using Latchkey.Server.Hosting;
using Latchkey.Server.Integrations;
using Latchkey.Server.Logs;
using Latchkey.Server.OAuth;
using Latchkey.Server.Outbound;
using Latchkey.Server.Providers;
using Latchkey.Server.Proxy;
using Latchkey.Server.Realtime;
using Latchkey.Server.Refresh;
using Latchkey.Server.Settings;
using Latchkey.Server.Storage;
using Latchkey.Server.Tokens;
using Latchkey.Server.Vault;
using Latchkey.Server.Webhooks;

if (args is ["keys", ..])
{
    return await KeyCommands.RunAsync(args[1..]);
}

if (args is ["catalog", ..])
{
    return await CatalogDocs.RunAsync(args[1..]);
}

if (args is ["health", ..])
{
    return await HealthProbe.RunAsync(args[1..]);
}

IConfiguration? configuration = null; // kept: a failed start disposes the application's services
try
{
    var app = LatchkeyServer.Build(args);
    configuration = app.Configuration;
    await app.RunAsync();
    return 0;
}
catch (Exception exception)
{
    // A bad setting is told in its sentence; anything else is a fault of the server, told in full.
    configuration ??= new ConfigurationBuilder().AddEnvironmentVariables().AddCommandLine(args).Build(); // the build itself failed
    var sentences = StartupFailure.Describe(exception, configuration);
    await Console.Error.WriteLineAsync(sentences is null ? $"Latchkey stopped: {exception}" : string.Join(Environment.NewLine, sentences));
    return 1;
}

namespace Latchkey.Server
{
/// <summary>The whole server, wired feature by feature. Tests build the same application with their own settings.</summary>
public static class LatchkeyServer
{
    public static WebApplication Build(string[] args, Action<WebApplicationBuilder>? configure = null)
    {
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { Args = args, WebRootPath = ConnectUiFeature.WebRootPath() });
        configure?.Invoke(builder);
        SettingsCheck.Run(builder.Configuration);
        var started = StartupFailure.LeaveStartFailuresToTheProcess(builder);

        builder.AddHosting();
        builder.AddStorage();
        builder.AddVault();
        builder.AddOutbound();
        builder.AddProviders();
        builder.AddEnvironments();
        builder.AddConnectSessions();
        builder.AddCallers();
        builder.AddAudit();
        builder.AddSettings();
        builder.AddIntegrations();
        builder.AddLogs();
        builder.AddWebhooks();
        builder.AddConnections();
        builder.AddTokens();
        builder.AddRefresh();
        builder.AddCredentialEntry();
        builder.AddOAuth();
        builder.AddProxy();
        builder.AddRealtime();
        builder.AddDashboard();
        builder.AddConnectUi();
        builder.AddApiReference();
        builder.AddDemoProvider();

        var app = builder.Build();
        started(app.Lifetime);
        app.UseRealtime();
        app.UseHosting();
        app.UseCallers();
        app.UseRateLimits();
        app.UseDashboard();
        app.MapHealth();
        app.MapSettings();
        app.MapProviders();
        app.MapIntegrations();
        app.MapConnect();
        app.MapConnections();
        app.MapRefresh();
        app.MapCredentialEntry();
        app.MapOAuth();
        app.MapProxy();
        app.MapLogs();
        app.MapAudit();
        app.MapDashboard();
        app.MapConnectUi();
        app.MapApiReference();
        app.MapDemoProvider();
        return app;
    }
}
}
