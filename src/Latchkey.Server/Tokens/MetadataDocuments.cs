using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Latchkey.Server.Outbound;

namespace Latchkey.Server.Tokens;

/// <summary>An authorization-server answer: its status, its JSON object when it had one, and a 401's challenge.</summary>
public sealed record MetadataAnswer(int Status, JsonObject? Body, AuthenticationHeaderValue? Challenge, string? Failure)
{
    public bool IsJson => Status is >= 200 and < 300 && Body is not null;
}

/// <summary>
/// Small JSON requests to the metadata and registration endpoints of an authorization server, through the guarded
/// outbound client with a short timeout and a bounded answer: these URLs come from the MCP server or from the end user,
/// so a slow or huge answer must not hold a request thread or memory.
/// </summary>
public sealed class MetadataDocuments(IHttpClientFactory httpClients, ILogger<MetadataDocuments> logger)
{
    public const int MaxBytes = 64 * 1024;
    public static readonly TimeSpan Timeout = TimeSpan.FromSeconds(10);

    public Task<MetadataAnswer> GetAsync(Uri url, CancellationToken cancellationToken) =>
        SendAsync(new HttpRequestMessage(HttpMethod.Get, url), readBody: true, cancellationToken);

    public Task<MetadataAnswer> PostJsonAsync(Uri url, JsonNode body, CancellationToken cancellationToken) =>
        SendAsync(Post(url, body), readBody: true, cancellationToken);

    /// <summary>
    /// A POST whose answer body is not read, only its status and challenge: an MCP endpoint may answer with an event
    /// stream (the Streamable HTTP transport), which is why both media types are accepted.
    /// </summary>
    public Task<MetadataAnswer> ProbeAsync(Uri url, JsonNode body, CancellationToken cancellationToken)
    {
        var request = Post(url, body);
        request.Headers.Accept.ParseAdd("text/event-stream");
        return SendAsync(request, readBody: false, cancellationToken);
    }

    private static HttpRequestMessage Post(Uri url, JsonNode body) =>
        new(HttpMethod.Post, url) { Content = new StringContent(body.ToJsonString(), Encoding.UTF8, "application/json") };

    private async Task<MetadataAnswer> SendAsync(HttpRequestMessage request, bool readBody, CancellationToken cancellationToken)
    {
        using var _ = request;
        request.Headers.Accept.ParseAdd("application/json");
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(Timeout);
        try
        {
            using var response = await httpClients.CreateClient(OutboundFeature.ClientName)
                .SendAsync(request, HttpCompletionOption.ResponseHeadersRead, timeout.Token);
            var challenge = response.Headers.WwwAuthenticate.FirstOrDefault(value => value.Scheme.Equals("Bearer", StringComparison.OrdinalIgnoreCase));
            if (!readBody)
            {
                return new MetadataAnswer((int)response.StatusCode, null, challenge, null);
            }

            var text = await ReadBoundedAsync(response.Content, timeout.Token);
            return new MetadataAnswer((int)response.StatusCode, text is null ? null : ParseObject(text), challenge, text is null ? "the answer was too large" : null);
        }
        catch (Exception exception) when (exception is HttpRequestException or OperationCanceledException && !cancellationToken.IsCancellationRequested)
        {
            var reason = OutboundFailure.Describe(exception is OperationCanceledException ? new TaskCanceledException() : exception);
            logger.LogInformation("Authorization server request to {Host} failed: {Reason}", request.RequestUri?.Host, reason);
            return new MetadataAnswer(0, null, null, reason);
        }
    }

    private static async Task<string?> ReadBoundedAsync(HttpContent content, CancellationToken cancellationToken)
    {
        if (content.Headers.ContentLength > MaxBytes)
        {
            return null;
        }

        await using var stream = await content.ReadAsStreamAsync(cancellationToken);
        var buffer = new byte[MaxBytes + 1];
        var length = 0;
        int read;
        while (length < buffer.Length && (read = await stream.ReadAsync(buffer.AsMemory(length), cancellationToken)) > 0)
        {
            length += read;
        }

        return length > MaxBytes ? null : Encoding.UTF8.GetString(buffer, 0, length);
    }

    private static JsonObject? ParseObject(string text)
    {
        try
        {
            return JsonNode.Parse(text) as JsonObject;
        }
        catch (JsonException)
        {
            return null;
        }
    }
}
