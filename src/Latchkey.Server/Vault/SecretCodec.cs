using System.Buffers.Text;
using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text;

namespace Latchkey.Server.Vault;

/// <summary>
/// The one place that encrypts. A sealed value is <c>lk1.&lt;key id&gt;.&lt;base64url(nonce ‖ ciphertext ‖ tag)&gt;</c>:
/// format version, the key that sealed it, a fresh 96-bit nonce, AES-256-GCM ciphertext and its 128-bit tag,
/// bound to its <see cref="SealedField"/> by associated data. There is no plaintext mode.
/// </summary>
public sealed class SecretCodec(KeyRing keyRing) : IDisposable
{
    private const string Version = "lk1";
    private const int NonceSize = 12;
    private const int TagSize = 16;

    // Setting up an AesGcm (OpenSSL context and key schedule) cost more than decrypting a credential with it, and
    // every credential read opens one: each thread keeps one per key. An AesGcm is not safe across threads; one per
    // thread is never shared.
    private readonly ConcurrentDictionary<string, ThreadLocal<AesGcm>> _ciphers = new(StringComparer.Ordinal);

    public string Seal(string plaintext, SealedField field) => Seal(Encoding.UTF8.GetBytes(plaintext), field);

    public string Seal(ReadOnlySpan<byte> plaintext, SealedField field) => SealWith(keyRing.Current, plaintext, field);

    /// <summary>Seals with a given key of the ring: only for the check value each key leaves in the database.</summary>
    internal string SealWith(EncryptionKey key, ReadOnlySpan<byte> plaintext, SealedField field)
    {
        var payload = new byte[NonceSize + plaintext.Length + TagSize];
        var nonce = payload.AsSpan(0, NonceSize);
        RandomNumberGenerator.Fill(nonce);
        CipherFor(key).Encrypt(nonce, plaintext, payload.AsSpan(NonceSize, plaintext.Length), payload.AsSpan(NonceSize + plaintext.Length), field.AssociatedData());

        return $"{Version}.{key.Id}.{Base64Url.EncodeToString(payload)}";
    }

    public string Open(string sealedValue, SealedField field) => Encoding.UTF8.GetString(OpenBytes(sealedValue, field));

    public byte[] OpenBytes(string sealedValue, SealedField field)
    {
        // lk1.<key id>.<payload>: exactly two dots (base64url has none).
        var text = sealedValue.AsSpan();
        var versionEnd = text.IndexOf('.');
        var keyIdEnd = versionEnd < 0 ? -1 : versionEnd + 1 + text[(versionEnd + 1)..].IndexOf('.');
        if (versionEnd < 0 || keyIdEnd <= versionEnd || !text[..versionEnd].SequenceEqual(Version) || text[(keyIdEnd + 1)..].Contains('.'))
        {
            throw new VaultException("The stored value is not a sealed value of a known format.");
        }

        var keyId = text[(versionEnd + 1)..keyIdEnd];
        if (!keyRing.TryFind(keyId, out var key))
        {
            throw new VaultException($"The stored value was sealed with key {keyId}, which is not in the key ring.");
        }

        byte[] payload;
        try
        {
            payload = Base64Url.DecodeFromChars(text[(keyIdEnd + 1)..]);
        }
        catch (FormatException)
        {
            throw new VaultException("The stored value is damaged.");
        }

        if (payload.Length < NonceSize + TagSize)
        {
            throw new VaultException("The stored value is damaged.");
        }

        var length = payload.Length - NonceSize - TagSize;
        var plaintext = new byte[length];
        try
        {
            CipherFor(key).Decrypt(payload.AsSpan(0, NonceSize), payload.AsSpan(NonceSize, length), payload.AsSpan(NonceSize + length), plaintext, field.AssociatedData());
        }
        catch (AuthenticationTagMismatchException)
        {
            throw new VaultException("The stored value does not belong to this place or was tampered with.");
        }

        return plaintext;
    }

    /// <summary>True when the value is already sealed with the current key (rewrap skips it).</summary>
    public bool IsSealedWithCurrentKey(string sealedValue) =>
        sealedValue.StartsWith($"{Version}.{keyRing.Current.Id}.", StringComparison.Ordinal);

    public void Dispose()
    {
        foreach (var perThread in _ciphers.Values)
        {
            foreach (var cipher in perThread.Values)
            {
                cipher.Dispose();
            }

            perThread.Dispose();
        }
    }

    private AesGcm CipherFor(EncryptionKey key) =>
        _ciphers.GetOrAdd(key.Id, static (_, key) => new ThreadLocal<AesGcm>(() => new AesGcm(key.Material, TagSize), trackAllValues: true), key).Value!;
}

/// <summary>A sealed value could not be opened. The message never contains the value.</summary>
public sealed class VaultException(string message) : Exception(message);
