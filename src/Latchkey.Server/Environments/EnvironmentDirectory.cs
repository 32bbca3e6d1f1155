using System.Collections.Concurrent;
using Latchkey.Server.Vault;

namespace Latchkey.Server.Environments;

/// <summary>
/// Resolves keys to environments with a short cache: every API call authenticates, and the database round trip
/// would otherwise dominate a credential read. Only hits are cached (a flood of wrong keys cannot fill memory);
/// a rotated key is dropped at once here and within <see cref="Lifetime"/> on other instances.
/// </summary>
public sealed class EnvironmentDirectory(EnvironmentStore store, TokenHasher hasher, TimeProvider clock)
{
    public static readonly TimeSpan Lifetime = TimeSpan.FromSeconds(30);
    private const int MaxEntries = 10_000;

    private readonly ConcurrentDictionary<string, (EnvironmentRecord Environment, DateTimeOffset Expires)> _bySecretKey = new(StringComparer.Ordinal);

    public async ValueTask<EnvironmentRecord?> FindBySecretKeyAsync(string secretKey, CancellationToken cancellationToken)
    {
        // Keyed by the lookup hash, so the cache never holds a plaintext key longer than the request does.
        var cacheKey = hasher.Hash(secretKey);
        var now = clock.GetUtcNow();
        if (_bySecretKey.TryGetValue(cacheKey, out var cached) && cached.Expires > now)
        {
            return cached.Environment;
        }

        var environment = await store.FindBySecretKeyAsync(secretKey, cancellationToken);
        if (environment is null)
        {
            _bySecretKey.TryRemove(cacheKey, out _);
            return null;
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

    /// <summary>Forgets every cached key of an environment (after a rotation or a settings change).</summary>
    public void Forget(long environmentId)
    {
        foreach (var (key, entry) in _bySecretKey)
        {
            if (entry.Environment.Id == environmentId)
            {
                _bySecretKey.TryRemove(key, out _);
            }
        }
    }
}
