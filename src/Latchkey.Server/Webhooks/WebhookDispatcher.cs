using System.Diagnostics;
using System.Globalization;
using System.Text;
using Latchkey.Server.Environments;
using Latchkey.Server.Hosting;
using Latchkey.Server.Outbound;
using Microsoft.Extensions.Options;

namespace Latchkey.Server.Webhooks;

/// <summary>
/// Delivers the outbox: claims due rows (several instances never send one attempt twice), signs and POSTs them
/// through the outbound guard, records each attempt, and schedules retries with <see cref="WebhooksOptions.Backoff"/>.
/// Time for schedules comes from the injected <see cref="TimeProvider"/>; polling itself runs on real time.
/// </summary>
public sealed partial class WebhookDispatcher(
    WebhookDeliveryStore store,
    EnvironmentStore environments,
    IHttpClientFactory httpClients,
    WebhookSignal signal,
    TimeProvider clock,
    LatchkeyMetrics metrics,
    IOptions<WebhooksOptions> options,
    ILogger<WebhookDispatcher> logger) : BackgroundService
{
    // Deliveries attempted at once: enough that a slow receiver does not hold up the others, bounded so a backlog
    // cannot open hundreds of connections. A claim per delivery, so a crash re-sends each in-flight one at most once.
    private const int Parallelism = 16;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var poll = TimeSpan.FromMilliseconds(options.Value.PollMilliseconds);
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                while (await DeliverBatchAsync(stoppingToken) > 0)
                {
                }

                await signal.WaitAsync(poll, stoppingToken);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
#pragma warning disable CA1031 // The loop must survive a database hiccup; the next poll retries.
            catch (Exception exception)
#pragma warning restore CA1031
            {
                LogLoopFailed(logger, exception);
                await Task.Delay(poll, stoppingToken).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
            }
        }
    }

    private async Task<int> DeliverBatchAsync(CancellationToken cancellationToken)
    {
        var claimed = new List<WebhookDelivery>();
        while (claimed.Count < Parallelism && await store.ClaimDueAsync(cancellationToken) is { } delivery)
        {
            claimed.Add(delivery);
        }

        await Task.WhenAll(claimed.Select(d => AttemptAsync(d, cancellationToken)));
        return claimed.Count;
    }

    private async Task AttemptAsync(WebhookDelivery delivery, CancellationToken cancellationToken)
    {
        var started = clock.GetUtcNow();
        var timestamp = started.ToUnixTimeSeconds();
        var stopwatch = Stopwatch.StartNew();
        int? status = null;
        string? error = null;
        var permanent = false;
        try
        {
            var key = await environments.RevealWebhookSigningKeyAsync(delivery.EnvironmentId, cancellationToken);
            using var request = new HttpRequestMessage(HttpMethod.Post, delivery.Url)
            {
                Content = new StringContent(delivery.Body, Encoding.UTF8, "application/json"),
            };
            request.Content.Headers.ContentType!.CharSet = null;
            request.Headers.Add(WebhookPayload.NangoSignatureHeader, WebhookPayload.LegacySignature(key, delivery.Body));
            request.Headers.Add(WebhookPayload.NangoHmacHeader, WebhookPayload.Hmac(key, delivery.Body));
            request.Headers.Add(WebhookPayload.EventIdHeader, delivery.EventId);
            request.Headers.Add(WebhookPayload.TimestampHeader, timestamp.ToString(CultureInfo.InvariantCulture));
            request.Headers.Add(WebhookPayload.SignatureHeader, WebhookPayload.Signature(key, delivery.EventId, timestamp, delivery.Body));

            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            timeout.CancelAfter(options.Value.Timeout);
            using var response = await httpClients.CreateClient(WebhooksFeature.ClientName).SendAsync(request, HttpCompletionOption.ResponseHeadersRead, timeout.Token);
            status = (int)response.StatusCode;
            if (!response.IsSuccessStatusCode)
            {
                error = $"answered {status}";
            }
        }
        catch (Exception exception) when (exception is HttpRequestException or TaskCanceledException or OperationCanceledException && !cancellationToken.IsCancellationRequested)
        {
            error = OutboundFailure.Describe(exception);
            permanent = OutboundFailure.IsRefused(exception);
        }

        var duration = (int)stopwatch.ElapsedMilliseconds;
        // The outbound guard refusing the URL (a private or loopback address) is final: retrying for hours would only
        // repeat the refusal, so the delivery fails at once with the reason.
        var retryable = error is not null && !permanent && (status is null or >= 500 or 408 or 429);
        var (state, retryAt) = error is null
            ? (DeliveryState.Delivered, (DateTimeOffset?)null)
            : retryable && delivery.Attempts < options.Value.MaxAttempts
                ? (DeliveryState.Pending, clock.GetUtcNow() + WebhooksOptions.Backoff(delivery.Attempts))
                : (DeliveryState.Failed, null);
        await store.RecordAttemptAsync(delivery.Id, started.ToUnixTimeMilliseconds(), status, duration, error, state, retryAt, CancellationToken.None);
        metrics.WebhookAttempted(state switch { DeliveryState.Delivered => "delivered", DeliveryState.Pending => "retrying", _ => "failed" });
        if (error is not null)
        {
            // The host only: a webhook URL may carry a token in its path or query.
            LogAttemptFailed(logger, delivery.EventId, new Uri(delivery.Url).Host, delivery.Attempts, error, state == DeliveryState.Pending);
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Auth webhook {EventId} to {Host} failed on attempt {Attempt}: {Error} (will retry: {WillRetry})")]
    private static partial void LogAttemptFailed(ILogger logger, string eventId, string host, int attempt, string error, bool willRetry);

    [LoggerMessage(Level = LogLevel.Error, Message = "The auth webhook dispatcher failed; it tries again at the next poll")]
    private static partial void LogLoopFailed(ILogger logger, Exception exception);
}
