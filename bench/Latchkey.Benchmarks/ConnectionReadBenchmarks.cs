using System.Buffers;
using System.Text.Json;
using BenchmarkDotNet.Attributes;
using Latchkey.Server.Connections;
using Latchkey.Server.Refresh;
using Latchkey.Server.Vault;

namespace Latchkey.Benchmarks;

/// <summary>
/// The work of <c>GET /connections/:id</c> once the row is in memory: open the credentials, decide whether they are
/// due for a refresh, shape the answer and write it as JSON (what the load benchmark's warm runs spend per request
/// beyond the HTTP server itself).
/// </summary>
[MemoryDiagnoser]
public class ConnectionReadBenchmarks : IDisposable
{
    private const string Credentials =
        """{"type":"OAUTH2","access_token":"gho_16C7e42F292c6912E7710c838347Ae178B4a","refresh_token":"ghr_1B4a2e77838347a7E420ce178F2E7c6912E169246c34E1ccbF66C46812d16D5B1A9Dc86A1498","expires_at":"2099-11-23T21:00:00.000Z","raw":{"access_token":"gho_16C7e42F292c6912E7710c838347Ae178B4a","token_type":"bearer","scope":"repo,user","expires_in":28800,"refresh_token":"ghr_1B4a2e77838347a7E420ce178F2E7c6912E169246c34E1ccbF66C46812d16D5B1A9Dc86A1498"}}""";

    private readonly SecretCodec _codec = new(new KeyRing([EncryptionKey.Generate()], "benchmark"));
    private readonly ArrayBufferWriter<byte> _buffer = new(4096);
    private readonly ConnectionSecrets _secrets;

    public ConnectionReadBenchmarks() => _secrets = new ConnectionSecrets(_codec);

    private StoredConnection _row = null!;

    [GlobalSetup]
    public void Setup()
    {
        const string uid = "3f2b8c1e-7a4d-4e0b-9c61-2d5f8a9b0c3e";
        _row = new StoredConnection
        {
            Id = 42, Uid = uid, EnvironmentId = 1, IntegrationId = 1, ConnectionId = "conn-42", IntegrationKey = "github", Provider = "github",
            CredentialsSealed = _secrets.Seal(Credentials, 1, uid),
            ConnectionConfig = "{}", Tags = """{"end_user_id":"user-1"}""", Metadata = """{"plan":"pro"}""",
            CreatedAt = 1_795_000_000_000, UpdatedAt = 1_795_000_000_000,
        };
    }

    [Benchmark]
    public int OpenCredentials() => _secrets.Open(_row).Count;

    [Benchmark]
    public int OpenDecideShapeAndWrite()
    {
        var credentials = _secrets.Open(_row);
        var due = RefreshPolicy.IsDue(credentials, provider: null, DateTimeOffset.UtcNow, force: false);
        var view = ConnectionView.Full(_row, credentials, includeRefreshToken: due, lastFetchedAt: 1_795_000_000_000);
        _buffer.ResetWrittenCount();
        using var writer = new Utf8JsonWriter(_buffer);
        view.WriteTo(writer);
        writer.Flush();
        return _buffer.WrittenCount;
    }

    public void Dispose()
    {
        _codec.Dispose();
        GC.SuppressFinalize(this);
    }
}
