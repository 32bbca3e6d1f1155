using System.Text.Json.Nodes;
using Latchkey.Server.Hosting;
using Latchkey.Server.Vault;

namespace Latchkey.Server.Connections;

/// <summary>A connection as read for the customer, with its credentials opened.</summary>
public sealed record CredentialRead(StoredConnection Connection, JsonObject Credentials)
{
    public override string ToString() => $"CredentialRead {{ {Connection.ConnectionId} [credentials redacted] }}";
}

/// <summary>Opens a connection's credentials for a read.</summary>
public sealed class CredentialReader(SecretCodec codec)
{
    public Task<Outcome<CredentialRead>> ReadAsync(StoredConnection connection, bool forceRefresh, CancellationToken cancellationToken)
    {
        _ = forceRefresh;
        _ = cancellationToken;
        return Task.FromResult<Outcome<CredentialRead>>(new CredentialRead(connection, connection.OpenCredentials(codec)));
    }
}
