namespace Latchkey.Server.Storage;

/// <summary>Where data lives: an embedded SQLite file by default, PostgreSQL when a URL is given.</summary>
public sealed class StorageOptions
{
    /// <summary><c>LATCHKEY_DATA_DIR</c>: the folder of the SQLite file and the generated key file. Default <c>./data</c>.</summary>
    public string DataDirectory { get; set; } = "data";

    /// <summary><c>LATCHKEY_DATABASE_URL</c>: a PostgreSQL URL (<c>postgres://user:pass@host:5432/db</c>) or Npgsql connection string.</summary>
    public string? DatabaseUrl { get; set; }

    /// <summary>
    /// <c>LATCHKEY_CONNECTION_CACHE_SIZE</c>: connection rows <c>GET /connections/:id</c> keeps in memory (sealed, about
    /// 1.2 KB each). Default 20,000 (about 23 MiB): on SQLite a read the cache misses costs about 10 % more, and the
    /// 100,000 of before held 115 MiB for that. 0 turns the cache off. On PostgreSQL copies are invalidated by the other instances'
    /// notifications and used only while this instance is listening.
    /// </summary>
    public int ConnectionCacheSize { get; set; } = 20_000;

    public bool UsesPostgres => !string.IsNullOrWhiteSpace(DatabaseUrl);

    public string SqlitePath => Path.Combine(DataDirectory, "latchkey.db");
}
