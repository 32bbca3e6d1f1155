using System.Collections.Concurrent;
using System.Text;

namespace Latchkey.Server.Connections;

/// <summary>
/// A connection row as <see cref="ConnectionCache"/> keeps it: the sealed credentials as their ASCII bytes (half the
/// memory of a .NET string; they are most of a row), the few strings every row of an integration shares (key,
/// provider, an empty config) held once for all rows, the rest as read. A hit builds the
/// <see cref="StoredConnection"/> the read path uses; that costs one string for the credentials, far less than the
/// JSON the read then writes. At 100,000 cached connections this halves the cache's memory.
/// </summary>
internal sealed class CompactRow
{
    // Integration keys, provider names and common configs repeat across rows; one instance of each is kept. Bounded:
    // values beyond the limit are simply not shared.
    private static readonly ConcurrentDictionary<string, string> Shared = new(StringComparer.Ordinal);
    private const int MaxShared = 10_000;

    private readonly StoredConnection _row;
    private readonly byte[]? _sealed;

    private CompactRow(StoredConnection row, byte[]? sealedAscii)
    {
        _row = row;
        _sealed = sealedAscii;
    }

    public long Id => _row.Id;

    public long? EndUserRef => _row.EndUserRef;

    public static CompactRow From(StoredConnection row)
    {
        // The row object itself is kept with its credentials taken out: its other fields are small, and keeping it
        // saves copying two dozen of them one by one. A sealed value is ASCII (lk1.<key id>.<base64url>); anything
        // else is kept as it is.
        var ascii = Ascii.IsValid(row.CredentialsSealed);
        var kept = row with
        {
            CredentialsSealed = ascii ? "" : row.CredentialsSealed,
            IntegrationKey = Share(row.IntegrationKey),
            Provider = Share(row.Provider),
            ConnectionConfig = Share(row.ConnectionConfig),
        };
        return new CompactRow(kept, ascii ? Encoding.ASCII.GetBytes(row.CredentialsSealed) : null);
    }

    public StoredConnection ToStoredConnection() =>
        _sealed is null ? _row : _row with { CredentialsSealed = Encoding.ASCII.GetString(_sealed) };

    private static string Share(string value)
    {
        if (value.Length > 64)
        {
            return value;
        }

        if (Shared.TryGetValue(value, out var shared))
        {
            return shared;
        }

        return Shared.Count < MaxShared ? Shared.GetOrAdd(value, value) : value;
    }
}
