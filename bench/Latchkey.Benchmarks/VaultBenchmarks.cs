using BenchmarkDotNet.Attributes;
using Latchkey.Server.Vault;

namespace Latchkey.Benchmarks;

/// <summary>Sealing and opening a typical OAuth 2 credentials object (what every <c>GET /connections/:id</c> opens).</summary>
[MemoryDiagnoser]
public class VaultBenchmarks : IDisposable
{
    private const string Credentials =
        """{"type":"OAUTH2","access_token":"gho_16C7e42F292c6912E7710c838347Ae178B4a","refresh_token":"ghr_1B4a2e77838347a7E420ce178F2E7c6912E169246c34E1ccbF66C46812d16D5B1A9Dc86A1498","expires_at":"2026-11-23T21:00:00.000Z","raw":{"access_token":"gho_16C7e42F292c6912E7710c838347Ae178B4a","token_type":"bearer","scope":"repo,user","expires_in":28800,"refresh_token":"ghr_1B4a2e77838347a7E420ce178F2E7c6912E169246c34E1ccbF66C46812d16D5B1A9Dc86A1498","refresh_token_expires_in":15811200}}""";

    private static readonly SealedField Field = new("connections", "credentials_sealed", 1, "3f2b8c1e-7a4d-4e0b-9c61-2d5f8a9b0c3e");
    private readonly SecretCodec _codec = new(new KeyRing([EncryptionKey.Generate()], "benchmark"));
    private string _sealed = "";

    [GlobalSetup]
    public void Setup() => _sealed = _codec.Seal(Credentials, Field);

    [Benchmark]
    public string Seal() => _codec.Seal(Credentials, Field);

    [Benchmark]
    public string Open() => _codec.Open(_sealed, Field);

    public void Dispose()
    {
        _codec.Dispose();
        GC.SuppressFinalize(this);
    }
}
