using System.Security.Cryptography;

namespace Latchkey.Server.Vault;

/// <summary>One AES-256 key with the short id stored beside every value it seals.</summary>
public sealed class EncryptionKey
{
    public const int SizeInBytes = 32;

    private EncryptionKey(string id, byte[] material, byte[] lookupKey)
    {
        Id = id;
        Material = material;
        LookupKey = lookupKey;
    }

    /// <summary>8 hex characters derived from the key, so a value names the key that sealed it without a registry.</summary>
    public string Id { get; }

    internal byte[] Material { get; }

    /// <summary>A sub-key for keyed token hashes (HKDF), so hashing and encryption never share a key.</summary>
    internal byte[] LookupKey { get; }

    public static EncryptionKey FromBytes(byte[] material)
    {
        if (material.Length != SizeInBytes)
        {
            throw new ArgumentException($"An encryption key must be exactly {SizeInBytes} bytes; this one has {material.Length}.", nameof(material));
        }

        var id = Convert.ToHexStringLower(SHA256.HashData([.. "latchkey-key-id:"u8, .. material]).AsSpan(0, 4));
        var lookupKey = HKDF.DeriveKey(HashAlgorithmName.SHA256, material, 32, info: "latchkey token lookup v1"u8.ToArray());
        return new EncryptionKey(id, material, lookupKey);
    }

    public static EncryptionKey Parse(string base64)
    {
        byte[] material;
        try
        {
            material = Convert.FromBase64String(base64.Trim());
        }
        catch (FormatException)
        {
            throw new FormatException("An encryption key must be base64 (e.g. the output of `openssl rand -base64 32`).");
        }

        return FromBytes(material);
    }

    public static EncryptionKey Generate() => FromBytes(RandomNumberGenerator.GetBytes(SizeInBytes));

    public string ToBase64() => Convert.ToBase64String(Material);

    public override string ToString() => $"key {Id} [redacted]";
}
