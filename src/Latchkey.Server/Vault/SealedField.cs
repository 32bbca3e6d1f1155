using System.Text;

namespace Latchkey.Server.Vault;

/// <summary>
/// What a sealed value belongs to: its table, column, environment and row. It is the AES-GCM associated data, so a
/// ciphertext copied into another row, column or environment fails to open instead of leaking into the wrong place.
/// </summary>
public readonly record struct SealedField(string Table, string Column, long EnvironmentId, string RowUid)
{
    internal byte[] AssociatedData() => Encoding.UTF8.GetBytes($"latchkey/v1|{Table}.{Column}|env:{EnvironmentId}|row:{RowUid}");
}
