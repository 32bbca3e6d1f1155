using System.Collections.Concurrent;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;

namespace Latchkey.TestKit;

/// <summary>One request the receiver got: headers (lower-case names) and the exact body.</summary>
public sealed record ReceivedWebhook(IReadOnlyDictionary<string, string> Headers, byte[] RawBody, int AnsweredStatus)
{
    public string Body => System.Text.Encoding.UTF8.GetString(RawBody);

    public string Header(string name) => Headers.GetValueOrDefault(name.ToLowerInvariant(), "");
}

/// <summary>
/// A customer's webhook endpoint on loopback: records every POST with its headers and raw body, and can answer
/// 503 to the first N deliveries to exercise retries.
/// </summary>
public sealed class WebhookReceiver : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly ConcurrentQueue<ReceivedWebhook> _received = new();
    private int _failuresLeft;

    private WebhookReceiver(WebApplication app)
    {
        _app = app;
    }

    public string Url { get; private set; } = "";

    /// <summary>Every request, failed ones included, in arrival order.</summary>
    public IReadOnlyList<ReceivedWebhook> All => _received.ToArray();

    /// <summary>Requests answered with 200.</summary>
    public IReadOnlyList<ReceivedWebhook> Accepted => _received.Where(r => r.AnsweredStatus == 200).ToArray();

    public static async Task<WebhookReceiver> StartAsync(int failFirst = 0)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        var app = builder.Build();
        var receiver = new WebhookReceiver(app) { _failuresLeft = failFirst };
        app.MapPost("/hooks/{**rest}", receiver.ReceiveAsync);
        await app.StartAsync();
        receiver.Url = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First() + "/hooks/latchkey";
        return receiver;
    }

    /// <summary>Answers 503 to the next <paramref name="count"/> deliveries.</summary>
    public void FailNext(int count) => Interlocked.Exchange(ref _failuresLeft, count);

    /// <summary>Waits until <paramref name="count"/> requests were accepted, or throws after <paramref name="timeout"/>.</summary>
    public async Task<IReadOnlyList<ReceivedWebhook>> WaitForAcceptedAsync(int count, TimeSpan? timeout = null)
    {
        var deadline = DateTime.UtcNow + (timeout ?? TimeSpan.FromSeconds(15));
        while (DateTime.UtcNow < deadline)
        {
            if (Accepted.Count >= count)
            {
                return Accepted;
            }

            await Task.Delay(50);
        }

        throw new TimeoutException($"Expected {count} accepted webhook(s), got {Accepted.Count} (of {All.Count} requests).");
    }

    /// <summary>Waits until <paramref name="count"/> requests arrived (accepted or not).</summary>
    public async Task WaitForRequestsAsync(int count, TimeSpan? timeout = null)
    {
        var deadline = DateTime.UtcNow + (timeout ?? TimeSpan.FromSeconds(15));
        while (All.Count < count)
        {
            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"Expected {count} webhook request(s), got {All.Count}.");
            }

            await Task.Delay(50);
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }

    private async Task<IResult> ReceiveAsync(HttpRequest request)
    {
        using var buffer = new MemoryStream();
        await request.Body.CopyToAsync(buffer);
        var headers = request.Headers.ToDictionary(h => h.Key.ToLowerInvariant(), h => h.Value.ToString());
        var status = Interlocked.Decrement(ref _failuresLeft) >= 0 ? 503 : 200;
        _received.Enqueue(new ReceivedWebhook(headers, buffer.ToArray(), status));
        return Results.StatusCode(status);
    }
}
