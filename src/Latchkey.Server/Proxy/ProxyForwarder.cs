using Latchkey.Server.Hosting;
using Latchkey.Server.Logs;
using Latchkey.Server.Outbound;
using Latchkey.Server.Providers;
using Latchkey.Server.Refresh;
using Microsoft.Extensions.Options;

namespace Latchkey.Server.Proxy;

/// <summary>One proxied call as it is being sent: what the caller asked, for which provider, with which body.</summary>
public sealed record ProxyExchange(ProxyCall Call, Provider Provider, HttpMethod Method, ProxyBody Body, Func<CredentialRead, Outcome<ProxyAuth>> Authorize);

/// <summary>The provider's answer (headers read, body not yet), and how it was reached.</summary>
public sealed record ProxyOutcome(HttpResponseMessage Response, Uri Target, int Retries, bool RefreshedAfter401, IReadOnlyList<AuthLogStep> Steps);

/// <summary>
/// Sends a proxied call to the provider: credentials on, redirects followed to the same host only, one refresh and
/// replay after a 401 (single flight with every other reader of the connection), retries with the provider's
/// <c>Retry-After</c> or backoff. Answers are returned unread so that they stream to the caller.
/// </summary>
public sealed class ProxyForwarder(IHttpClientFactory httpClients, CredentialReader reader, IOptions<ProxyOptions> options, TimeProvider clock)
{
    private const int MaxRedirects = 5;

    public async Task<Outcome<ProxyOutcome>> SendAsync(ProxyExchange exchange, CredentialRead read, CancellationToken cancellationToken)
    {
        var steps = new List<AuthLogStep>();
        var (auth, target) = Prepare(exchange, read);
        if (auth.Failed)
        {
            return auth.Error;
        }

        var refreshed = false;
        for (var attempt = 0; ; attempt++)
        {
            HttpResponseMessage response;
            try
            {
                response = await SendFollowingRedirectsAsync(exchange, auth.Value, target!, cancellationToken);
            }
            catch (Exception exception) when (exception is HttpRequestException or TaskCanceledException && !cancellationToken.IsCancellationRequested)
            {
                steps.Add(new AuthLogStep($"attempt {attempt + 1}", clock.GetUtcNow(), OutboundFailure.Describe(exception)));
                if (!IsRefused(exception) && CanSendAgain(exchange, attempt) && ProxyRetry.IsIdempotent(exchange.Method))
                {
                    await Task.Delay(ProxyRetry.Delay(null, exchange.Provider, attempt, clock.GetUtcNow())!.Value, clock, cancellationToken);
                    continue;
                }

                return Failure(exception, target!);
            }

            var status = (int)response.StatusCode;
            steps.Add(new AuthLogStep($"attempt {attempt + 1}", clock.GetUtcNow(), $"HTTP {status}"));
            if (status == StatusCodes.Status401Unauthorized && !refreshed && exchange.Body.Replayable && RefreshPolicy.CanRefresh(read.Credentials))
            {
                // The provider refused a token we thought valid (revoked, or expired early): one refresh, then one replay.
                var again = await reader.RefreshRejectedAsync(read.Connection, cancellationToken);
                refreshed = true;
                if (!again.Failed && again.Value.Connection.CredentialsSealed != read.Connection.CredentialsSealed)
                {
                    steps.Add(new AuthLogStep("refresh after 401", clock.GetUtcNow(), "new credentials; the call is sent again"));
                    response.Dispose();
                    read = again.Value;
                    (auth, target) = Prepare(exchange, read);
                    if (auth.Failed)
                    {
                        return auth.Error;
                    }

                    attempt--;
                    continue;
                }

                steps.Add(new AuthLogStep("refresh after 401", clock.GetUtcNow(), "no new credentials; the provider's answer is passed back"));
            }

            if (CanSendAgain(exchange, attempt) && ProxyRetry.ShouldRetry(status, exchange.Method, exchange.Call.RetryOn) &&
                ProxyRetry.Delay(response, exchange.Provider, attempt, clock.GetUtcNow()) is { } delay)
            {
                response.Dispose();
                await Task.Delay(delay, clock, cancellationToken);
                continue;
            }

            return new ProxyOutcome(response, target!, attempt, refreshed, steps);
        }
    }

    private static bool CanSendAgain(ProxyExchange exchange, int attempt) => attempt < exchange.Call.Retries && exchange.Body.Replayable;

    private static (Outcome<ProxyAuth> Auth, Uri? Target) Prepare(ProxyExchange exchange, CredentialRead read)
    {
        var auth = exchange.Authorize(read);
        if (auth.Failed)
        {
            return (auth, null);
        }

        var target = ProxyTarget.Build(exchange.Provider, exchange.Call, auth.Value);
        return target.Failed ? (target.Error, null) : (auth, target.Value);
    }

    private async Task<HttpResponseMessage> SendFollowingRedirectsAsync(ProxyExchange exchange, ProxyAuth auth, Uri target, CancellationToken cancellationToken)
    {
        var client = httpClients.CreateClient(ProxyFeature.ClientName);
        var (method, url, withBody, callerHeaders) = (exchange.Method, target, true, true);
        for (var hop = 0; ; hop++)
        {
            using var request = Build(exchange, auth, method, url, withBody ? exchange.Body.CreateContent() : null, callerHeaders);
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            timeout.CancelAfter(TimeSpan.FromSeconds(options.Value.TimeoutSeconds));
            var response = await client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, timeout.Token);
            var status = (int)response.StatusCode;
            if (status is not (301 or 302 or 303 or 307 or 308) || response.Headers.Location is not { } location || hop == MaxRedirects)
            {
                return response;
            }

            // Only the provider's own host gets the credentials again; any other redirect goes back to the caller as it came.
            var next = new Uri(url, location);
            if (!SameHost(target, next))
            {
                return response;
            }

            if (status == 303 || (status is 301 or 302 && method != HttpMethod.Get && method != HttpMethod.Head))
            {
                (method, withBody) = (HttpMethod.Get, false);
            }
            else if (withBody && !exchange.Body.Replayable)
            {
                // 307/308 resend the body, and a streamed body was already spent.
                return response;
            }

            response.Dispose();
            (url, callerHeaders) = (next, exchange.Call.ForwardHeadersOnRedirect);
        }
    }

    // Same host name; an upgrade from http to https is fine, a downgrade is not.
    private static bool SameHost(Uri target, Uri next) =>
        next.Host.Equals(target.Host, StringComparison.OrdinalIgnoreCase) && (next.Scheme == target.Scheme || next.Scheme == Uri.UriSchemeHttps);

    private static HttpRequestMessage Build(ProxyExchange exchange, ProxyAuth auth, HttpMethod method, Uri url, HttpContent? content, bool callerHeaders)
    {
        var request = new HttpRequestMessage(method, url) { Content = content };
        auth.Apply(request);

        // The caller's headers come after the provider's: a caller that sets one on purpose (an API version, its own
        // content type) gets what it asked for.
        var removed = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        foreach (var (name, value) in exchange.Call.Headers)
        {
            var isContent = name.StartsWith("Content-", StringComparison.OrdinalIgnoreCase);
            if (!callerHeaders && !isContent)
            {
                continue;
            }

            System.Net.Http.Headers.HttpHeaders? headers = isContent ? content?.Headers : request.Headers;
            if (headers is null)
            {
                continue;
            }

            if (removed.Add(name))
            {
                headers.Remove(name);
            }

            headers.TryAddWithoutValidation(name, value);
        }

        auth.Sign(request);
        return request;
    }

    private static bool IsRefused(Exception exception) =>
        exception is OutboundRefusedException || exception.InnerException is { } inner && IsRefused(inner);

    private static ApiError Failure(Exception exception, Uri target)
    {
        var reason = OutboundFailure.Describe(exception);
        return exception switch
        {
            _ when IsRefused(exception) => new ApiError(StatusCodes.Status403Forbidden, ErrorCodes.ProxyTargetRefused,
                $"The proxy refused to call {target.Host}: {reason}. Allow it with LATCHKEY_OUTBOUND_ALLOW if it is yours."),
            TaskCanceledException => new ApiError(StatusCodes.Status504GatewayTimeout, ErrorCodes.ProxyUpstreamTimeout,
                $"{target.Host} did not answer in time."),
            _ => new ApiError(StatusCodes.Status502BadGateway, ErrorCodes.ProxyUpstreamUnreachable, $"{target.Host} could not be reached: {reason}."),
        };
    }
}
