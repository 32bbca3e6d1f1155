using System.Net;
using System.Net.WebSockets;
using System.Text;
using System.Text.Json.Nodes;

namespace Latchkey.TestKit;

/// <summary>
/// Plays the browser popup of an OAuth flow over plain HTTP: its own cookie jar, redirects followed by hand so each
/// hop can be inspected (or replayed, or sent from "another browser").
/// </summary>
public sealed class OAuthBrowser : IDisposable
{
    private readonly HttpClient _client;

    public OAuthBrowser()
    {
        Cookies = new CookieContainer();
        _client = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false, CookieContainer = Cookies, UseCookies = true });
    }

    public CookieContainer Cookies { get; }

    public Task<HttpResponseMessage> GetAsync(string url) => _client.GetAsync(url);

    /// <summary>Submits a form, as a click on a page's submit button would; redirects are not followed.</summary>
    public Task<HttpResponseMessage> PostFormAsync(string url, IEnumerable<KeyValuePair<string, string>> form) =>
        _client.PostAsync(url, new FormUrlEncodedContent(form));

    /// <summary>Starts at <c>/oauth/connect</c> and follows redirects until the callback URL, which it returns unopened.</summary>
    public async Task<string> ReachCallbackAsync(string connectUrl)
    {
        var url = connectUrl;
        for (var hop = 0; hop < 5; hop++)
        {
            var response = await _client.GetAsync(url);
            if (response.StatusCode != HttpStatusCode.Redirect && response.StatusCode != HttpStatusCode.Found)
            {
                throw new InvalidOperationException($"Expected a redirect from {url}, got {(int)response.StatusCode}: {await response.Content.ReadAsStringAsync()}");
            }

            url = new Uri(new Uri(url), response.Headers.Location!).ToString();
            if (url.Contains("/oauth/callback", StringComparison.Ordinal))
            {
                return url;
            }
        }

        throw new InvalidOperationException("No callback reached after five redirects.");
    }

    /// <summary>The whole popup: start, provider, callback; returns the callback's result page.</summary>
    public async Task<HttpResponseMessage> CompleteAsync(string connectUrl) => await _client.GetAsync(await ReachCallbackAsync(connectUrl));

    public void Dispose() => _client.Dispose();
}

/// <summary>The SDK's side of the WebSocket: connect, read the ack, wait for the one outcome message.</summary>
public sealed class SdkSocket : IAsyncDisposable
{
    private readonly ClientWebSocket _socket = new();

    public string ClientId { get; private set; } = "";

    public static async Task<SdkSocket> ConnectAsync(string serverUrl, string path = "/")
    {
        var socket = new SdkSocket();
        await socket._socket.ConnectAsync(new Uri(serverUrl.Replace("http", "ws", StringComparison.Ordinal) + path), CancellationToken.None);
        var ack = await socket.ReceiveAsync(TimeSpan.FromSeconds(10));
        if (ack?["message_type"]?.GetValue<string>() != "connection_ack")
        {
            throw new InvalidOperationException($"Expected connection_ack first, got {ack?.ToJsonString()}");
        }

        socket.ClientId = ack["ws_client_id"]!.GetValue<string>();
        return socket;
    }

    /// <summary>The next message, or null when the socket closed or nothing came in time.</summary>
    public async Task<JsonObject?> ReceiveAsync(TimeSpan timeout)
    {
        using var cancellation = new CancellationTokenSource(timeout);
        var buffer = new byte[4096];
        using var message = new MemoryStream();
        try
        {
            while (true)
            {
                var result = await _socket.ReceiveAsync(buffer, cancellation.Token);
                if (result.MessageType == WebSocketMessageType.Close)
                {
                    return null;
                }

                message.Write(buffer, 0, result.Count);
                if (result.EndOfMessage)
                {
                    return JsonNode.Parse(Encoding.UTF8.GetString(message.ToArray())) as JsonObject;
                }
            }
        }
        catch (OperationCanceledException)
        {
            return null;
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (_socket.State == WebSocketState.Open)
        {
            await _socket.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, "bye", CancellationToken.None);
        }

        _socket.Dispose();
    }
}
