using System.Text.Json.Nodes;
using Latchkey.Server.Vault;

namespace Latchkey.Server.Connections;

/// <summary>
/// The connections table's sealed <c>credentials_sealed</c> column, and the only code that seals or opens it. Rows
/// keep their credentials sealed (in the read cache too) until a reader asks for them here. The value is bound to its
/// environment and row uid, so it cannot be moved to another row.
/// </summary>
public sealed class ConnectionSecrets(SecretCodec codec)
{
    public string Seal(string credentialsJson, long environmentId, string uid) => codec.Seal(credentialsJson, Field(environmentId, uid));

    public JsonObject Open(StoredConnection connection) =>
        JsonNode.Parse(codec.OpenBytes(connection.CredentialsSealed, Field(connection.EnvironmentId, connection.Uid)))!.AsObject();

    private static SealedField Field(long environmentId, string uid) => new("connections", "credentials_sealed", environmentId, uid);
}
