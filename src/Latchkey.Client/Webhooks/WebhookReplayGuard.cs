using System.Collections.Concurrent;

namespace Latchkey.Client;

/// <summary>
/// Remembers the event ids of accepted webhooks until their timestamp leaves the tolerance window (after which the
/// timestamp check refuses them anyway), so a captured delivery cannot be played again. In memory, per process:
/// behind several instances, also deduplicate on <see cref="AuthWebhook.EventId"/> where you store the outcome.
/// </summary>
public sealed class WebhookReplayGuard
{
    private readonly ConcurrentDictionary<string, DateTimeOffset> _seen = new(StringComparer.Ordinal);
    private readonly TimeProvider _clock;
    private long _claims;

    /// <summary>Creates an empty guard.</summary>
    /// <param name="clock">The clock expiries are compared with; the system clock by default.</param>
    public WebhookReplayGuard(TimeProvider? clock = null) => _clock = clock ?? TimeProvider.System;

    /// <summary>Records <paramref name="eventId"/> until <paramref name="until"/>; false if it is already recorded.</summary>
    /// <param name="eventId">The delivery's event id.</param>
    /// <param name="until">When it may be forgotten.</param>
    /// <returns>True the first time an event id is claimed within its window.</returns>
    public bool TryClaim(string eventId, DateTimeOffset until)
    {
        ArgumentException.ThrowIfNullOrEmpty(eventId);
        var now = _clock.GetUtcNow();
        if (Interlocked.Increment(ref _claims) % 256 == 0)
        {
            Prune(now);
        }

        while (true)
        {
            if (_seen.TryAdd(eventId, until))
            {
                return true;
            }

            if (!_seen.TryGetValue(eventId, out var expiry) || expiry > now)
            {
                return false;
            }

            // An expired entry: replace it only if nobody else did meanwhile.
            if (_seen.TryUpdate(eventId, until, expiry))
            {
                return true;
            }
        }
    }

    /// <summary>Forgets an event id, so the sender's retry is accepted (call it when processing the event failed).</summary>
    /// <param name="eventId">The delivery's event id.</param>
    public void Release(string eventId) => _seen.TryRemove(eventId, out _);

    private void Prune(DateTimeOffset now)
    {
        foreach (var (eventId, expiry) in _seen)
        {
            if (expiry <= now)
            {
                _seen.TryRemove(KeyValuePair.Create(eventId, expiry));
            }
        }
    }
}
