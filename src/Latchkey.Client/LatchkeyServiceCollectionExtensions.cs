using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Http.Resilience;
using Microsoft.Extensions.Options;

namespace Latchkey.Client;

/// <summary>Registers <see cref="LatchkeyClient"/> with dependency injection.</summary>
public static class LatchkeyServiceCollectionExtensions
{
    /// <summary>
    /// Registers <see cref="LatchkeyClient"/> as a typed <see cref="HttpClient"/> made by <c>IHttpClientFactory</c>, with
    /// the standard resilience pipeline (rate limiter, total and per-attempt timeouts, retry, circuit breaker).
    /// Retries are limited to GET and DELETE: a POST or PATCH whose response was lost is never sent again, since
    /// creating a session or an integration twice is not harmless.
    /// </summary>
    /// <param name="services">The service collection.</param>
    /// <param name="configure">Sets <see cref="LatchkeyClientOptions.BaseUrl"/> and <see cref="LatchkeyClientOptions.SecretKey"/>.</param>
    /// <param name="configureResilience">Adjusts the resilience pipeline after these defaults (timeouts, retry delays…).</param>
    /// <returns>The HTTP client builder, to add handlers of your own.</returns>
    public static IHttpClientBuilder AddLatchkeyClient(
        this IServiceCollection services, Action<LatchkeyClientOptions> configure, Action<HttpStandardResilienceOptions>? configureResilience = null)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(configure);
        services.AddOptions<LatchkeyClientOptions>()
            .Configure(configure)
            .Validate(options =>
            {
                options.Validate();
                return true;
            })
            .ValidateOnStart();

        var builder = services.AddHttpClient(nameof(LatchkeyClient)).AddTypedClient((http, provider) =>
            new LatchkeyClient(http, provider.GetRequiredService<IOptions<LatchkeyClientOptions>>().Value));
        builder.AddStandardResilienceHandler(options =>
        {
            // Not DisableForUnsafeHttpMethods(): that also stops DELETE, which is idempotent and safe to repeat.
            options.Retry.DisableFor(HttpMethod.Post, HttpMethod.Patch, HttpMethod.Put, HttpMethod.Connect);
            configureResilience?.Invoke(options);
        });
        return builder;
    }
}
