namespace Latchkey.Server.ConnectSessions;

public static class ConnectSessionsFeature
{
    public static WebApplicationBuilder AddConnectSessions(this WebApplicationBuilder builder)
    {
        builder.Services.AddSingleton<ConnectSessionStore>();
        builder.Services.AddHostedService<ExpiredSessionsCleanup>();
        return builder;
    }
}
