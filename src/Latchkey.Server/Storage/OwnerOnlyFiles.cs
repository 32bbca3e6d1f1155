namespace Latchkey.Server.Storage;

/// <summary>
/// The SQLite database holds sealed secrets, keyed token hashes and everything else: its files are readable by their
/// owner only (0600). SQLite creates them with the process umask (often 0644) and gives the write-ahead log and the
/// shared-memory file the database file's mode, so the database file is made first with 0600, and files left by an
/// earlier version, or in a folder that already existed, are narrowed at every start.
/// </summary>
public static class OwnerOnlyFiles
{
    public const UnixFileMode FileMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;

    private static readonly string[] SqliteSuffixes = ["", "-wal", "-shm", "-journal"];

    public static void SecureSqliteFiles(string databasePath)
    {
        if (OperatingSystem.IsWindows())
        {
            return;
        }

        CreateOwnerOnly(databasePath);
        foreach (var suffix in SqliteSuffixes)
        {
            var path = databasePath + suffix;
            try
            {
                if (File.Exists(path) && (File.GetUnixFileMode(path) & ~FileMode) != 0)
                {
                    File.SetUnixFileMode(path, FileMode);
                }
            }
            catch (FileNotFoundException)
            {
                // Removed meanwhile (SQLite deletes -wal and -shm when the last connection closes): nothing to narrow.
            }
        }
    }

    // An empty file is a valid empty SQLite database; SQLite opens it and keeps its mode for the files it adds.
    [System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
    private static void CreateOwnerOnly(string path)
    {
        if (File.Exists(path))
        {
            return;
        }

        try
        {
            using var _ = new FileStream(path, new FileStreamOptions { Mode = System.IO.FileMode.CreateNew, Access = FileAccess.Write, UnixCreateMode = FileMode });
        }
        catch (IOException) when (File.Exists(path))
        {
            // Another process created it first; it is narrowed like any existing file.
        }
    }
}
