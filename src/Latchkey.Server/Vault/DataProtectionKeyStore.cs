using System.Xml.Linq;
using Dapper;
using Latchkey.Server.Storage;
using Microsoft.AspNetCore.DataProtection.Repositories;

namespace Latchkey.Server.Vault;

/// <summary>
/// Where ASP.NET Core Data Protection keeps its keys: the data_protection_keys table, each key's XML sealed like any
/// other secret. Every instance on the database reads the same keys, so a dashboard cookie made by one is accepted by
/// all, and keys survive restarts.
/// </summary>
public sealed class DataProtectionKeyStore(Database database, SecretCodec codec, TimeProvider clock, ILogger<DataProtectionKeyStore> logger) : IXmlRepository
{
    // Data Protection asks synchronously, and only when it loads or creates a key ring (at start, then about once a
    // day), never per request: waiting on the async calls here costs nothing that matters.
    public IReadOnlyCollection<XElement> GetAllElements()
    {
        using var connection = database.OpenAsync(CancellationToken.None).GetAwaiter().GetResult();
        var rows = connection.Query<(string Uid, string Sealed)>("SELECT uid, xml_sealed FROM data_protection_keys ORDER BY id");
        var elements = new List<XElement>();
        foreach (var (uid, sealedXml) in rows)
        {
            try
            {
                elements.Add(XElement.Parse(codec.Open(sealedXml, Field(uid))));
            }
            catch (VaultException exception)
            {
                // A key sealed under an encryption key this ring lacks: Data Protection makes a new key, and the
                // cookies of the old one ask the user to log in again. Nothing else depends on it.
                logger.LogWarning("Skipped a Data Protection key that the encryption keys do not open: {Reason}", exception.Message);
            }
        }

        return elements;
    }

    public void StoreElement(XElement element, string friendlyName)
    {
        var uid = Guid.NewGuid().ToString();
        using var connection = database.OpenAsync(CancellationToken.None).GetAwaiter().GetResult();
        connection.Execute(
            "INSERT INTO data_protection_keys (uid, friendly_name, xml_sealed, created_at) VALUES (@uid, @friendlyName, @sealedXml, @now)",
            new
            {
                uid,
                friendlyName = friendlyName.Length > 255 ? friendlyName[..255] : friendlyName,
                sealedXml = codec.Seal(element.ToString(SaveOptions.DisableFormatting), Field(uid)),
                now = clock.GetUtcNow().ToUnixTimeMilliseconds(),
            });
    }

    /// <summary>Not tied to an environment: 0 is bound into the associated data (see <see cref="SealedColumns"/>).</summary>
    public static SealedField Field(string uid) => new("data_protection_keys", "xml_sealed", 0, uid);
}
