using System.Collections.Concurrent;
using System.Globalization;
using Latchkey.Server.Storage;
using Latchkey.Server.Vault;

namespace Latchkey.Server.Environments;

/// <summary>
/// Resolves keys to environments with a short cache: every API call authenticates, and the database round trip
/// would otherwise dominate a credential read. Only hits are cached (a flood of wrong keys cannot fill memory).
/// A rotated key is dropped at once here and, through a NOTIFY (<see cref="EnvironmentChangeRelay"/>), within a
/// moment on the other instances; <see cref="Lifetime"/> bounds it should that message be lost.
/// </summary>
public sealed class EnvironmentDirectory(EnvironmentStore store, TokenHasher hasher, InstanceNotifications notifications, TimeProvider clock)
{
    public static readonly TimeSpan Lifetime = TimeSpan.FromSeconds(30);
    private const int MaxEntries = 10_000;

    private readonly ConcurrentDictionary<string, (EnvironmentRecord Environment, DateTimeOffset Expires)> _bySecretKey = new(StringComparer.Ordinal);
    private long _generation;

    public async ValueTask<EnvironmentRecord?> FindBySecretKeyAsync(string secretKey, CancellationToken cancellationToken)
    {
        // Keyed by the lookup hash, so the cache never holds a plaintext key longer than the request does.
        var cacheKey = hasher.Hash(secretKey);
        var now = clock.GetUtcNow();
        if (_bySecretKey.TryGetValue(cacheKey, out var cached) && cached.Expires > now)
        {
            return cached.Environment;
        }

        var generation = Volatile.Read(ref _generation);
        var environment = await store.FindBySecretKeyAsync(secretKey, cancellationToken);
        if (environment is null)
        {
            _bySecretKey.TryRemove(cacheKey, out _);
            return null;
        }

        // A forget that ran while this lookup was in flight may have been about this very row: don't keep a copy
        // that could predate it.
        if (generation != Volatile.Read(ref _generation))
        {
            return environment;
        }

        if (_bySecretKey.Count >= MaxEntries)
        {
            _bySecretKey.Clear();
        }

        _bySecretKey[cacheKey] = (environment, now + Lifetime);
        return environment;
    }

    public Task<EnvironmentRecord?> GetAsync(long environmentId, CancellationToken cancellationToken) =>
        store.GetAsync(environmentId, cancellationToken);

    public Task<EnvironmentRecord?> FindByPublicKeyAsync(string publicKey, CancellationToken cancellationToken) =>
        store.FindByPublicKeyAsync(publicKey, cancellationToken);

    /// <summary>
    /// Forgets every cached key of an environment, here and on every other instance: call it after a rotation or a
    /// change of the environment's record.
    /// </summary>
    public async Task ForgetEverywhereAsync(long environmentId, CancellationToken cancellationToken)
    {
        Forget(environmentId);
        await notifications.PublishAsync(EnvironmentChangeRelay.Channel, environmentId.ToString(CultureInfo.InvariantCulture), cancellationToken);
    }

    /// <summary>Forgets every cached key of an environment in this instance only.</summary>
    public void Forget(long environmentId)
    {
        Interlocked.Increment(ref _generation);
        foreach (var (key, entry) in _bySecretKey)
        {
            if (entry.Environment.Id == environmentId)
            {
                _bySecretKey.TryRemove(key, out _);
            }
        }
    }

    /// <summary>Forgets everything cached: changes may have gone unheard.</summary>
    public void ForgetAll()
    {
        Interlocked.Increment(ref _generation);
        _bySecretKey.Clear();
    }
}
