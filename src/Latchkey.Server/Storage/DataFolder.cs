namespace Latchkey.Server.Storage;

/// <summary>
/// The data folder (<c>LATCHKEY_DATA_DIR</c>, default <c>./data</c> under the working directory) holds the database
/// and the generated encryption key. When the server creates it, it is owner-only and gets its own <c>.gitignore</c>
/// ignoring everything, so a server started inside a clone of a repository never leaves its key one <c>git add -A</c>
/// away. A folder that already exists is left as it is: it may be the operator's, with their own rules.
/// </summary>
public static class DataFolder
{
    public const string GitIgnoreText =
        "# Written by Latchkey: this folder holds its database and encryption key, which must never be committed.\n*\n";

    /// <summary>Creates <paramref name="path"/> (and its parents) when missing; returns whether it did.</summary>
    public static bool Create(string path)
    {
        var full = Path.GetFullPath(path);
        if (Directory.Exists(full))
        {
            return false;
        }

        if (OperatingSystem.IsWindows())
        {
            Directory.CreateDirectory(full);
        }
        else
        {
            Directory.CreateDirectory(full, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        }

        // Written at once, before any secret lands in the folder.
        File.WriteAllText(Path.Combine(full, ".gitignore"), GitIgnoreText);
        return true;
    }
}
