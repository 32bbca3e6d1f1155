using System.Diagnostics.CodeAnalysis;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace Latchkey.Client.AspNetCore;

/// <summary>Receives Latchkey auth webhooks in a minimal-API app.</summary>
public static class LatchkeyWebhookEndpoints
{
    /// <summary>Largest webhook body read; auth webhooks are a few hundred bytes.</summary>
    public const int MaxBodyBytes = 256 * 1024;

    /// <summary>
    /// Registers the webhook verifier (with a replay guard and the registered <see cref="TimeProvider"/>) and makes
    /// <see cref="AuthWebhook"/> bindable in handlers mapped with <see cref="MapLatchkeyWebhook"/>.
    /// </summary>
    /// <param name="services">The service collection.</param>
    /// <param name="configure">Sets the signing key and checks.</param>
    /// <returns>The service collection.</returns>
    public static IServiceCollection AddLatchkeyWebhooks(this IServiceCollection services, Action<LatchkeyWebhookOptions> configure)
    {
        ArgumentNullException.ThrowIfNull(services);
        services.AddOptions<LatchkeyWebhookOptions>()
            .Configure(configure)
            .Validate(options => !string.IsNullOrEmpty(options.SigningKey), "LatchkeyWebhookOptions.SigningKey is required.")
            .ValidateOnStart();
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton(provider => new WebhookReplayGuard(provider.GetRequiredService<TimeProvider>()));
        services.TryAddSingleton(provider => new LatchkeyWebhookVerifier(
            provider.GetRequiredService<IOptions<LatchkeyWebhookOptions>>().Value,
            provider.GetRequiredService<TimeProvider>(),
            provider.GetRequiredService<WebhookReplayGuard>()));
        services.TryAddScoped<VerifiedWebhook>();
        services.TryAddScoped(provider => provider.GetRequiredService<VerifiedWebhook>().Value
            ?? throw new InvalidOperationException("An AuthWebhook is only available in a handler mapped with MapLatchkeyWebhook, after verification."));
        return services;
    }

    /// <summary>
    /// Maps <c>POST <paramref name="pattern"/></c> to <paramref name="handler"/>, called only for authentic, recent,
    /// new deliveries: the raw body is read and verified first, a failure answers 401 without calling the handler.
    /// The handler takes an <see cref="AuthWebhook"/> parameter plus any services or other bindable parameters.
    /// A duplicate of an event already handled is answered 200 without calling the handler again (the sender stops
    /// retrying); when the handler throws or answers a non-2xx status, the event id is released so its retry is handled.
    /// </summary>
    /// <param name="endpoints">The app or route group.</param>
    /// <param name="pattern">The route, e.g. <c>/webhooks/latchkey</c>.</param>
    /// <param name="handler">Your handler, e.g. <c>async (AuthWebhook hook, MyStore store) =&gt; …</c>.</param>
    /// <returns>The endpoint builder, to add metadata or a name.</returns>
    public static IEndpointConventionBuilder MapLatchkeyWebhook(this IEndpointRouteBuilder endpoints, [StringSyntax("Route")] string pattern, Delegate handler)
    {
        ArgumentNullException.ThrowIfNull(endpoints);
        ArgumentNullException.ThrowIfNull(handler);
        // Without the registration AuthWebhook would bind from the body, unverified: refuse to map instead.
        if (endpoints.ServiceProvider.GetService<IServiceProviderIsService>()?.IsService(typeof(AuthWebhook)) != true)
        {
            throw new InvalidOperationException("Call services.AddLatchkeyWebhooks(...) before MapLatchkeyWebhook.");
        }

        var inner = RequestDelegateFactory.Create(handler, new RequestDelegateFactoryOptions { ServiceProvider = endpoints.ServiceProvider }).RequestDelegate;
        return endpoints.MapPost(pattern, context => HandleAsync(context, inner));
    }

    private static async Task HandleAsync(HttpContext context, RequestDelegate inner)
    {
        var body = await ReadBodyAsync(context.Request, context.RequestAborted);
        if (body is null)
        {
            await WriteErrorAsync(context, StatusCodes.Status413PayloadTooLarge, "payload_too_large", $"Webhook bodies are limited to {MaxBodyBytes} bytes.");
            return;
        }

        var verifier = context.RequestServices.GetRequiredService<LatchkeyWebhookVerifier>();
        var headers = context.Request.Headers;
        var result = verifier.Verify(body, name => headers.TryGetValue(name, out var value) ? value.ToString() : null);
        if (result.Failure == WebhookFailure.Replayed)
        {
            context.Response.StatusCode = StatusCodes.Status200OK;
            return;
        }

        if (!result.IsValid)
        {
            await WriteErrorAsync(context, StatusCodes.Status401Unauthorized, "invalid_webhook", result.Reason ?? "The webhook was refused.");
            return;
        }

        var hook = result.Webhook!;
        context.RequestServices.GetRequiredService<VerifiedWebhook>().Value = hook;
        context.Request.Body = new MemoryStream(body, writable: false);
        try
        {
            await inner(context);
        }
        catch
        {
            Release(verifier, hook);
            throw;
        }

        if (context.Response.StatusCode is < 200 or >= 300)
        {
            Release(verifier, hook);
        }
    }

    private static void Release(LatchkeyWebhookVerifier verifier, AuthWebhook hook)
    {
        if (hook.EventId is not null)
        {
            verifier.ReplayGuard?.Release(hook.EventId);
        }
    }

    private static async Task<byte[]?> ReadBodyAsync(HttpRequest request, CancellationToken cancellationToken)
    {
        if (request.ContentLength > MaxBodyBytes)
        {
            return null;
        }

        using var buffer = new MemoryStream();
        var chunk = new byte[8192];
        int read;
        while ((read = await request.Body.ReadAsync(chunk, cancellationToken)) > 0)
        {
            if (buffer.Length + read > MaxBodyBytes)
            {
                return null;
            }

            buffer.Write(chunk, 0, read);
        }

        return buffer.ToArray();
    }

    private static Task WriteErrorAsync(HttpContext context, int status, string code, string message)
    {
        context.Response.StatusCode = status;
        return context.Response.WriteAsJsonAsync(new ErrorEnvelope(new ErrorBody(code, message)), WebhookEndpointJsonContext.Default.ErrorEnvelope, cancellationToken: context.RequestAborted);
    }
}

/// <summary>The verified webhook of the current request (scoped), read by the <see cref="AuthWebhook"/> service.</summary>
internal sealed class VerifiedWebhook
{
    public AuthWebhook? Value { get; set; }
}

internal sealed record ErrorEnvelope(ErrorBody Error);

internal sealed record ErrorBody(string Code, string Message);

[System.Text.Json.Serialization.JsonSourceGenerationOptions(PropertyNamingPolicy = System.Text.Json.Serialization.JsonKnownNamingPolicy.CamelCase)]
[System.Text.Json.Serialization.JsonSerializable(typeof(ErrorEnvelope))]
internal sealed partial class WebhookEndpointJsonContext : System.Text.Json.Serialization.JsonSerializerContext;
