using System.Text.Json.Nodes;
using Latchkey.Server.Callers;
using Latchkey.Server.Connections;
using Latchkey.Server.Hosting;
using Latchkey.Server.Integrations;
using Latchkey.Server.Providers;
using Latchkey.Server.Refresh;
using Microsoft.Extensions.Options;

namespace Latchkey.Server.Proxy;

/// <summary>
/// <c>ANY /proxy/*</c>: reads Nango's headers, finds the connection, reads its credentials fresh (refreshing them
/// first when due), sends the call and streams the provider's answer back. Failures of our own are the API's error
/// envelope; the provider's answers, errors included, pass through unchanged.
/// </summary>
public static class ProxyEndpoint
{
    public static async Task HandleAsync(HttpContext context)
    {
        var startedAt = context.RequestServices.GetRequiredService<TimeProvider>().GetUtcNow();
        var log = context.RequestServices.GetRequiredService<ProxyLog>();
        var caller = (await Caller.BindAsync(context))!;
        var options = context.RequestServices.GetRequiredService<IOptions<ProxyOptions>>().Value;
        var call = ProxyCall.Read(context, options);
        if (call.Failed)
        {
            await WriteErrorAsync(context, call.Error);
            return;
        }

        var connection = await FindAsync(context, caller, call.Value);
        if (connection.Failed)
        {
            await WriteErrorAsync(context, connection.Error);
            return;
        }

        var gate = context.RequestServices.GetRequiredService<ConnectionGate>();
        if (!gate.TryEnter(connection.Value.Connection.Id))
        {
            context.Response.Headers.RetryAfter = "1";
            await WriteErrorAsync(context, new ApiError(StatusCodes.Status429TooManyRequests, ErrorCodes.TooManyRequest,
                $"This connection already has {options.MaxConcurrentPerConnection} proxied calls in flight (LATCHKEY_PROXY_MAX_CONCURRENT_PER_CONNECTION).")
            { Payload = new { method = context.Request.Method, path = context.Request.Path.Value } });
            return;
        }

        try
        {
            var result = await ForwardAsync(context, call.Value, connection.Value, options);
            log.Record(connection.Value.Connection, context.Request.Method, call.Value.Endpoint, result, startedAt);
        }
        finally
        {
            gate.Leave(connection.Value.Connection.Id);
        }
    }

    /// <summary>The connection and its provider; the integration only for modes that sign with its client secret.</summary>
    private sealed record Resolved(StoredConnection Connection, Provider Provider, Integration? Integration);

    // The hot path reads only the connection (cached in memory); the integration is read when the connection is
    // missing (to tell which of the two is unknown) or when the mode signs requests with the integration's secret.
    private static async Task<Outcome<Resolved>> FindAsync(HttpContext context, Caller caller, ProxyCall call)
    {
        var services = context.RequestServices;
        var cancellationToken = context.RequestAborted;
        var integrations = services.GetRequiredService<IntegrationStore>();
        var connection = await services.GetRequiredService<ConnectionStore>().FindForReadAsync(caller.EnvironmentId, call.IntegrationKey, call.ConnectionId, cancellationToken);
        if (connection is null)
        {
            return await integrations.FindAsync(caller.EnvironmentId, call.IntegrationKey, cancellationToken) is null
                ? new ApiError(StatusCodes.Status404NotFound, ErrorCodes.UnknownProviderConfig, $"Integration '{call.IntegrationKey}' does not exist.")
                : new ApiError(StatusCodes.Status404NotFound, ErrorCodes.UnknownConnection,
                    $"Connection '{call.ConnectionId}' does not exist for integration '{call.IntegrationKey}'.");
        }

        if (services.GetRequiredService<ProviderCatalog>().Find(connection.Provider) is not { } provider)
        {
            return ApiError.BadRequest(ErrorCodes.UnknownProviderTemplate, $"Integration '{call.IntegrationKey}' uses provider '{connection.Provider}', which the catalog no longer has.");
        }

        var integration = ProxyAuth.NeedsIntegration(provider) ? await integrations.FindAsync(caller.EnvironmentId, call.IntegrationKey, cancellationToken) : null;
        return new Resolved(connection, provider, integration);
    }

    private static async Task<ProxyResult> ForwardAsync(HttpContext context, ProxyCall call, Resolved resolved, ProxyOptions options)
    {
        var services = context.RequestServices;
        var cancellationToken = context.RequestAborted;
        var read = await services.GetRequiredService<CredentialReader>().ReadAsync(resolved.Connection, forceRefresh: false, cancellationToken);
        if (read.Failed)
        {
            return await FailAsync(context, read.Error);
        }

        services.GetRequiredService<FetchStamps>().Note(resolved.Connection.Id);
        var integrations = services.GetRequiredService<IntegrationStore>();
        var clock = services.GetRequiredService<TimeProvider>();
        var body = await ProxyBody.ReadAsync(context, options, cancellationToken);
        var exchange = new ProxyExchange(call, resolved.Provider, new HttpMethod(context.Request.Method), body,
            credentials => ProxyAuth.For(resolved.Provider, resolved.Integration, integrations, credentials.Credentials,
                JsonNode.Parse(credentials.Connection.ConnectionConfig) as JsonObject ?? [], clock));
        var sent = await services.GetRequiredService<ProxyForwarder>().SendAsync(exchange, read.Value, cancellationToken);
        if (sent.Failed)
        {
            return await FailAsync(context, sent.Error);
        }

        using var response = sent.Value.Response;
        var result = new ProxyResult((int)response.StatusCode, sent.Value.Target.Host, null, sent.Value.Retries, sent.Value.Steps);
        try
        {
            await ProxyResponses.WriteAsync(context, response, call.Decompress, cancellationToken);
            return result;
        }
        catch (Exception exception) when (exception is IOException or HttpRequestException or OperationCanceledException)
        {
            // The headers are gone already: the body broke off (the provider or the caller hung up). Abort, so the
            // caller sees a cut connection rather than a short body that looks complete.
            context.Abort();
            return result with { ErrorType = "stream_interrupted" };
        }
    }

    /// <summary>
    /// Our own failures carry <c>Latchkey-Proxy-Error</c>, so that a client can tell them from a provider's answer
    /// that happens to look like an error envelope.
    /// </summary>
    private static Task WriteErrorAsync(HttpContext context, ApiError error)
    {
        context.Response.Headers["Latchkey-Proxy-Error"] = error.Code;
        return error.ExecuteAsync(context);
    }

    private static async Task<ProxyResult> FailAsync(HttpContext context, ApiError error)
    {
        await WriteErrorAsync(context, error);
        return new ProxyResult(error.Status, null, error.Code, 0, []);
    }
}
