using System.Collections.Concurrent;
using System.Net.WebSockets;
using System.Text.Json;
using System.Text.Json.Serialization;
using Latchkey.Server.Hosting;

namespace Latchkey.Server.Realtime;

/// <summary>
/// The WebSockets the SDK opens while an OAuth popup runs. The server speaks first (<c>connection_ack</c> with the
/// client id, spec §2.6 step 5), sends at most one outcome, then closes the socket (DESIGN decision 5). The client
/// never sends anything; a socket that got no outcome within its idle lifetime (LATCHKEY_RATE_LIMIT_WEBSOCKET_IDLE_SECONDS) is closed and forgotten.
/// </summary>
public sealed class RealtimeHub(ILogger<RealtimeHub> logger)
{
    private readonly ConcurrentDictionary<string, Client> _clients = new(StringComparer.Ordinal);

    public int Count => _clients.Count;

    /// <summary>Serves one accepted socket until it closes, fails, or idles out.</summary>
    public async Task RunAsync(WebSocket socket, TimeSpan idleLifetime, CancellationToken requestAborted)
    {
        var id = Guid.NewGuid().ToString();
        var client = new Client(socket);
        _clients[id] = client;
        try
        {
            await client.SendAsync(new Ack("connection_ack", id), requestAborted);
            using var idle = CancellationTokenSource.CreateLinkedTokenSource(requestAborted);
            idle.CancelAfter(idleLifetime);
            var buffer = new byte[256];
            while (socket.State == WebSocketState.Open)
            {
                var received = await socket.ReceiveAsync(buffer, idle.Token);
                if (received.MessageType == WebSocketMessageType.Close)
                {
                    break;
                }
            }
        }
        catch (Exception exception) when (exception is OperationCanceledException or WebSocketException)
        {
            // The browser went away or the socket idled out; nothing to report.
        }
        finally
        {
            _clients.TryRemove(id, out _);
            await client.CloseQuietlyAsync();
        }
    }

    /// <summary>Sends the outcome to its socket, if this process holds it, and closes that socket.</summary>
    public async Task DeliverAsync(AuthOutcome outcome, CancellationToken cancellationToken)
    {
        if (!await TryDeliverAsync(outcome, cancellationToken))
        {
            logger.LogInformation("No open WebSocket for an OAuth outcome of {Integration}; the SDK may have gone", outcome.ProviderConfigKey);
        }
    }

    /// <summary>Like <see cref="DeliverAsync"/>, but says whether the socket was here instead of logging its absence.</summary>
    public async Task<bool> TryDeliverAsync(AuthOutcome outcome, CancellationToken cancellationToken)
    {
        if (!_clients.TryRemove(outcome.WebSocketClientId, out var client))
        {
            return false;
        }

        object message = outcome.Success
            ? new Success("success", outcome.ProviderConfigKey, outcome.ConnectionId, outcome.IsPending)
            : new Failure("error", outcome.ProviderConfigKey, outcome.ConnectionId, outcome.ErrorType ?? ErrorCodes.UnknownErr, outcome.ErrorDescription ?? "");
        try
        {
            await client.SendAsync(message, cancellationToken);
        }
        catch (Exception exception) when (exception is WebSocketException or OperationCanceledException)
        {
            logger.LogInformation("Could not deliver an OAuth outcome: the WebSocket closed first");
        }

        await client.CloseQuietlyAsync();
        return true;
    }

    // The ack and the outcome can race on one socket; WebSocket allows one send at a time. No dispose needed: a
    // SemaphoreSlim only holds an OS handle once AvailableWaitHandle is read, which this never does.
#pragma warning disable CA1001
    private sealed class Client(WebSocket socket)
#pragma warning restore CA1001
    {
        private readonly SemaphoreSlim _sending = new(1, 1);

        public async Task SendAsync(object message, CancellationToken cancellationToken)
        {
            var bytes = JsonSerializer.SerializeToUtf8Bytes(message, message.GetType(), MessageJson);
            await _sending.WaitAsync(cancellationToken);
            try
            {
                await socket.SendAsync(bytes, WebSocketMessageType.Text, endOfMessage: true, cancellationToken);
            }
            finally
            {
                _sending.Release();
            }
        }

        public async Task CloseQuietlyAsync()
        {
            try
            {
                if (socket.State == WebSocketState.Open)
                {
                    using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(2));
                    await socket.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, "done", timeout.Token);
                }
            }
            catch (Exception exception) when (exception is WebSocketException or OperationCanceledException or ObjectDisposedException)
            {
            }
        }
    }

    private static readonly JsonSerializerOptions MessageJson = new() { PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower };

    private sealed record Ack(string MessageType, string WsClientId);

    private sealed record Success(string MessageType, string ProviderConfigKey, string ConnectionId, bool IsPending);

    private sealed record Failure(
        string MessageType,
        string ProviderConfigKey,
        string ConnectionId,
        string ErrorType,
        [property: JsonPropertyName("error_desc")] string ErrorDescription);
}
