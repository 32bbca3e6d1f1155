namespace Latchkey.Server.Vault;

/// <summary>The keys the vault knows: the first seals new values, all of them open old ones.</summary>
public sealed class KeyRing
{
    private readonly Dictionary<string, EncryptionKey> _byId;

    public KeyRing(IReadOnlyList<EncryptionKey> keys, string source)
    {
        if (keys.Count == 0)
        {
            throw new ArgumentException("A key ring needs at least one key.", nameof(keys));
        }

        Keys = keys;
        Source = source;
        _byId = keys.DistinctBy(k => k.Id).ToDictionary(k => k.Id, StringComparer.Ordinal);
    }

    public IReadOnlyList<EncryptionKey> Keys { get; }

    public EncryptionKey Current => Keys[0];

    /// <summary>Where the keys came from, for log lines and the key commands (never the keys themselves).</summary>
    public string Source { get; }

    /// <summary>Finds a key by the id a sealed value names, without making a string of it.</summary>
    public bool TryFind(ReadOnlySpan<char> id, out EncryptionKey key) =>
        _byId.GetAlternateLookup<ReadOnlySpan<char>>().TryGetValue(id, out key!);

    /// <summary>Parses <c>LATCHKEY_ENCRYPTION_KEY</c>: base64 keys separated by commas or new lines, newest first.</summary>
    public static IReadOnlyList<EncryptionKey> ParseList(string text) =>
        text.Split(['\n', '\r'], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Where(line => !line.StartsWith('#')) // comments first: they may contain commas
            .SelectMany(line => line.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
            .Select(EncryptionKey.Parse)
            .ToArray();
}
