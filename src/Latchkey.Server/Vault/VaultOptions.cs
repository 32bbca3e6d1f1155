namespace Latchkey.Server.Vault;

/// <summary>Where the encryption keys come from.</summary>
public sealed class VaultOptions
{
    /// <summary>
    /// <c>LATCHKEY_ENCRYPTION_KEY</c>: one or more base64-encoded 32-byte keys separated by commas, newest first.
    /// New values are sealed with the first key; older keys only open values sealed before a rotation.
    /// </summary>
    public string? EncryptionKeys { get; set; }

    /// <summary>The key file used when no key is configured: generated on first start, owner-only permissions.</summary>
    public string KeyFilePath { get; set; } = Path.Combine("data", "encryption.key");
}
