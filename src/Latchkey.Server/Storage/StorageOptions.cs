namespace Latchkey.Server.Storage;

/// <summary>Where data lives: an embedded SQLite file by default, PostgreSQL when a URL is given.</summary>
public sealed class StorageOptions
{
    /// <summary><c>LATCHKEY_DATA_DIR</c>: the folder of the SQLite file and the generated key file. Default <c>./data</c>.</summary>
    public string DataDirectory { get; set; } = "data";

    /// <summary><c>LATCHKEY_DATABASE_URL</c>: a PostgreSQL URL (<c>postgres://user:pass@host:5432/db</c>) or Npgsql connection string.</summary>
    public string? DatabaseUrl { get; set; }

    public bool UsesPostgres => !string.IsNullOrWhiteSpace(DatabaseUrl);

    public string SqlitePath => Path.Combine(DataDirectory, "latchkey.db");
}
