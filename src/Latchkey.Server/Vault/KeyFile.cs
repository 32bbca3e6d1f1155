using Latchkey.Server.Storage;

namespace Latchkey.Server.Vault;

/// <summary>The generated key file: one base64 key per line, newest first, readable only by its owner.</summary>
public static class KeyFile
{
    private const string Header =
        "# Latchkey encryption keys, newest first. Without them stored credentials cannot be read: back this file up.\n";

    public static IReadOnlyList<EncryptionKey> Read(string path) => KeyRing.ParseList(File.ReadAllText(path));

    public static void Write(string path, IReadOnlyList<EncryptionKey> keys)
    {
        DataFolder.Create(Path.GetDirectoryName(Path.GetFullPath(path))!);

        var temporary = path + ".tmp";
        var options = new FileStreamOptions { Mode = FileMode.Create, Access = FileAccess.Write };
        if (!OperatingSystem.IsWindows())
        {
            // Owner-only from the first byte: the file never exists with wider permissions.
            options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        }

        using (var stream = new FileStream(temporary, options))
        using (var writer = new StreamWriter(stream))
        {
            writer.Write(Header);
            foreach (var key in keys)
            {
                writer.Write(key.ToBase64());
                writer.Write('\n');
            }
        }

        File.Move(temporary, path, overwrite: true);
    }
}
