using Latchkey.Server.Callers;
using Latchkey.Server.Outbound;

namespace Latchkey.Server.Proxy;

/// <summary>
/// <c>/proxy/*</c> (spec §4.9): a call to a provider's API with a connection's credentials, streamed both ways,
/// through the guarded outbound connector.
/// </summary>
public static class ProxyFeature
{
    /// <summary>The outbound client of proxied calls: guarded like every outbound call, but it follows no redirect itself.</summary>
    public const string ClientName = "outbound-proxy";

    public static WebApplicationBuilder AddProxy(this WebApplicationBuilder builder)
    {
        builder.Services.AddOptions<ProxyOptions>()
            .Configure<IConfiguration>(Bind)
            .Validate(options => options.MaxBodyBytes >= 0, "LATCHKEY_PROXY_MAX_BODY_BYTES must be 0 (no limit) or a positive number of bytes.")
            .Validate(options => options.RetryBufferBytes is >= 0 and <= 16 * 1024 * 1024, "LATCHKEY_PROXY_RETRY_BUFFER_BYTES must be between 0 and 16 MiB.")
            .Validate(options => options.MaxConcurrentPerConnection is > 0 and <= 10_000, "LATCHKEY_PROXY_MAX_CONCURRENT_PER_CONNECTION must be between 1 and 10000.")
            .Validate(options => options.TimeoutSeconds is > 0 and <= 3600, "LATCHKEY_PROXY_TIMEOUT_SECONDS must be between 1 and 3600.")
            .ValidateOnStart();
        builder.Services.AddSingleton<ConnectionGate>();
        builder.Services.AddSingleton<ProxyForwarder>();
        builder.Services.AddSingleton<ProxyLog>();

        // Redirects are followed by ProxyForwarder (same host only), so the handler must not; the time limit is per
        // attempt and covers the wait for headers only, so a long download is not cut off.
        builder.Services.AddHttpClient(ClientName, client =>
            {
                client.Timeout = Timeout.InfiniteTimeSpan;
                client.DefaultRequestHeaders.UserAgent.ParseAdd("Latchkey/1.0");
            })
            .ConfigurePrimaryHttpMessageHandler(services =>
                OutboundHandler.Create(services.GetRequiredService<GuardedConnector>(), services.GetRequiredService<OutboundTrust>(), followRedirects: false))
            // The factory's per-request log handlers would write the provider URL (a key may ride in its query) and
            // cost a log scope per call; ProxyLog records each call without secrets instead.
            .RemoveAllLoggers();
        return builder;
    }

    public static IEndpointRouteBuilder MapProxy(this IEndpointRouteBuilder endpoints)
    {
        endpoints.Map("/proxy/{**endpoint}", ProxyEndpoint.HandleAsync).WithTags("Proxy").RequireCaller(AuthScheme.SecretKey);
        return endpoints;
    }

    private static void Bind(ProxyOptions options, IConfiguration configuration)
    {
        if (long.TryParse(configuration["LATCHKEY_PROXY_MAX_BODY_BYTES"], out var maxBody))
        {
            options.MaxBodyBytes = maxBody;
        }

        if (int.TryParse(configuration["LATCHKEY_PROXY_RETRY_BUFFER_BYTES"], out var buffer))
        {
            options.RetryBufferBytes = buffer;
        }

        if (int.TryParse(configuration["LATCHKEY_PROXY_MAX_CONCURRENT_PER_CONNECTION"], out var concurrent))
        {
            options.MaxConcurrentPerConnection = concurrent;
        }

        if (int.TryParse(configuration["LATCHKEY_PROXY_TIMEOUT_SECONDS"], out var seconds))
        {
            options.TimeoutSeconds = seconds;
        }

        options.AllowBaseUrlOverride = bool.TryParse(configuration["LATCHKEY_PROXY_ALLOW_BASE_URL_OVERRIDE"], out var allow) && allow;
    }
}
