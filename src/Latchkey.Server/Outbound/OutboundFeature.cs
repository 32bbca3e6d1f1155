using Microsoft.Extensions.Options;

namespace Latchkey.Server.Outbound;

public static class OutboundFeature
{
    /// <summary>The named client for every request to a URL that users or the catalog influence.</summary>
    public const string ClientName = "outbound";

    public static WebApplicationBuilder AddOutbound(this WebApplicationBuilder builder)
    {
        builder.Services.AddOptions<OutboundOptions>()
            .Configure<IConfiguration>((options, configuration) =>
            {
                options.Allow = configuration["LATCHKEY_OUTBOUND_ALLOW"];
                options.TrustedCertificatesFile = configuration["LATCHKEY_OUTBOUND_TRUSTED_CERTIFICATES"];
                if (int.TryParse(configuration["LATCHKEY_OUTBOUND_TIMEOUT_SECONDS"], out var seconds))
                {
                    options.TimeoutSeconds = seconds;
                }
            })
            .Validate(options => options.TimeoutSeconds is > 0 and <= 300, "LATCHKEY_OUTBOUND_TIMEOUT_SECONDS must be between 1 and 300.")
            .Validate(options => AddressPolicy.IsValidList(options.Allow),
                "LATCHKEY_OUTBOUND_ALLOW must be host names, IP addresses or CIDR ranges (e.g. 10.0.0.0/8), separated by commas.")
            .Validate(options => OutboundTrust.Problem(options.TrustedCertificatesFile) is null,
                "LATCHKEY_OUTBOUND_TRUSTED_CERTIFICATES must name a readable file of PEM certificates.")
            .ValidateOnStart();
        builder.Services.AddSingleton(services => new AddressPolicy(services.GetRequiredService<IOptions<OutboundOptions>>().Value.Allow));
        builder.Services.AddSingleton(services => new OutboundTrust(services.GetRequiredService<IOptions<OutboundOptions>>().Value.TrustedCertificatesFile));
        builder.Services.AddSingleton<GuardedConnector>();
        builder.Services.AddSingleton<ClientCertificateClients>();

        // No retry handler on purpose: token requests must never be repeated blindly (a lost answer plus a retry
        // can burn a rotated refresh token); callers that may retry say so themselves.
        builder.Services.AddHttpClient(ClientName, (services, client) =>
            {
                client.Timeout = TimeSpan.FromSeconds(services.GetRequiredService<IOptions<OutboundOptions>>().Value.TimeoutSeconds);
                Describe(client);
            })
            .ConfigurePrimaryHttpMessageHandler(services =>
                OutboundHandler.Create(services.GetRequiredService<GuardedConnector>(), services.GetRequiredService<OutboundTrust>()));
        return builder;
    }

    internal static void Describe(HttpClient client) => client.DefaultRequestHeaders.UserAgent.ParseAdd("Latchkey/1.0");
}
