using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;

namespace Latchkey.Server.Vault;

/// <summary>
/// The one place that encrypts. A sealed value is <c>lk1.&lt;key id&gt;.&lt;base64url(nonce ‖ ciphertext ‖ tag)&gt;</c>:
/// format version, the key that sealed it, a fresh 96-bit nonce, AES-256-GCM ciphertext and its 128-bit tag,
/// bound to its <see cref="SealedField"/> by associated data. There is no plaintext mode.
/// </summary>
public sealed class SecretCodec(KeyRing keyRing)
{
    private const string Version = "lk1";
    private const int NonceSize = 12;
    private const int TagSize = 16;

    public string Seal(string plaintext, SealedField field) => Seal(Encoding.UTF8.GetBytes(plaintext), field);

    public string Seal(ReadOnlySpan<byte> plaintext, SealedField field)
    {
        var key = keyRing.Current;
        var payload = new byte[NonceSize + plaintext.Length + TagSize];
        var nonce = payload.AsSpan(0, NonceSize);
        RandomNumberGenerator.Fill(nonce);
        using (var aes = new AesGcm(key.Material, TagSize))
        {
            aes.Encrypt(nonce, plaintext, payload.AsSpan(NonceSize, plaintext.Length), payload.AsSpan(NonceSize + plaintext.Length), field.AssociatedData());
        }

        return $"{Version}.{key.Id}.{Base64Url.EncodeToString(payload)}";
    }

    public string Open(string sealedValue, SealedField field) => Encoding.UTF8.GetString(OpenBytes(sealedValue, field));

    public byte[] OpenBytes(string sealedValue, SealedField field)
    {
        var parts = sealedValue.Split('.');
        if (parts.Length != 3 || parts[0] != Version)
        {
            throw new VaultException("The stored value is not a sealed value of a known format.");
        }

        if (!keyRing.TryFind(parts[1], out var key))
        {
            throw new VaultException($"The stored value was sealed with key {parts[1]}, which is not in the key ring.");
        }

        byte[] payload;
        try
        {
            payload = Base64Url.DecodeFromChars(parts[2]);
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
            using var aes = new AesGcm(key.Material, TagSize);
            aes.Decrypt(payload.AsSpan(0, NonceSize), payload.AsSpan(NonceSize, length), payload.AsSpan(NonceSize + length), plaintext, field.AssociatedData());
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
}

/// <summary>A sealed value could not be opened. The message never contains the value.</summary>
public sealed class VaultException(string message) : Exception(message);
