namespace Latchkey.Server.Tests;

/// <summary>Files of the repository the tests read (the server's source, docs), found above the test's output folder.</summary>
internal static class RepositoryFiles
{
    public static string Root { get; } = FindRoot();

    public static string PathOf(params string[] parts) => Path.Combine([Root, .. parts]);

    private static string FindRoot()
    {
        for (var folder = new DirectoryInfo(AppContext.BaseDirectory); folder is not null; folder = folder.Parent)
        {
            if (File.Exists(Path.Combine(folder.FullName, "Latchkey.slnx")))
            {
                return folder.FullName;
            }
        }

        throw new InvalidOperationException("The repository root (Latchkey.slnx) was not found above " + AppContext.BaseDirectory);
    }
}
