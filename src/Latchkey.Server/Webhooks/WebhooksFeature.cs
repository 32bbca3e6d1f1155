using Latchkey.Server.Connections;
using Latchkey.Server.Outbound;
using Latchkey.Server.Storage;

namespace Latchkey.Server.Webhooks;

public static class WebhooksFeature
{
    /// <summary>The named client for webhook deliveries: the outbound guard's connector, the webhook timeout, no redirects.</summary>
    public const string ClientName = "webhooks";

    public static WebApplicationBuilder AddWebhooks(this WebApplicationBuilder builder)
    {
        builder.Services.AddOptions<WebhooksOptions>()
            .Configure<IConfiguration>((options, configuration) =>
            {
                if (int.TryParse(configuration["LATCHKEY_WEBHOOK_POLL_MS"], out var poll))
                {
                    options.PollMilliseconds = poll;
                }

                if (int.TryParse(configuration["LATCHKEY_WEBHOOK_MAX_ATTEMPTS"], out var attempts))
                {
                    options.MaxAttempts = attempts;
                }
            })
            .Validate(options => options.PollMilliseconds is >= 10 and <= 60_000, "LATCHKEY_WEBHOOK_POLL_MS must be between 10 and 60000.")
            .Validate(options => options.MaxAttempts is >= 1 and <= 100, "LATCHKEY_WEBHOOK_MAX_ATTEMPTS must be between 1 and 100.")
            .ValidateOnStart();
        builder.Services.AddSingleton<WebhookSignal>();
        builder.Services.AddSingleton<AuthWebhookOutbox>();
        builder.Services.AddSingleton<IChangeHandler<ConnectionEvent>>(services => services.GetRequiredService<AuthWebhookOutbox>());
        builder.Services.AddSingleton<WebhookDeliveryStore>();
        builder.Services.AddHostedService<WebhookDispatcher>();

        // Redirects are not followed: a receiver answering 3xx has not taken the event (spec §7.4 counts non-2xx as failure).
        builder.Services.AddHttpClient(ClientName, client =>
            {
                client.Timeout = Timeout.InfiniteTimeSpan;
                client.DefaultRequestHeaders.UserAgent.ParseAdd("Latchkey-Webhooks/1.0");
            })
            .ConfigurePrimaryHttpMessageHandler(services => new SocketsHttpHandler
            {
                ConnectCallback = services.GetRequiredService<GuardedConnector>().ConnectAsync,
                AllowAutoRedirect = false,
                PooledConnectionLifetime = TimeSpan.FromMinutes(2),
                UseCookies = false,
                UseProxy = false,
            });
        return builder;
    }
}
