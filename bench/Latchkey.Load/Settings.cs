using System.Globalization;

/// <summary>The command line of the load benchmark (header of Program.cs).</summary>
internal sealed record Settings(int[] Sizes, int Duration, int Threads, int Connections, int Hold, string? Postgres)
{
    public static Settings Parse(string[] args)
    {
        string? Value(string name) => args.SkipWhile(a => a != name).Skip(1).FirstOrDefault();
        return new Settings(
            (Value("--sizes") ?? "1000,100000").Split(',').Select(s => int.Parse(s, CultureInfo.InvariantCulture)).ToArray(),
            int.Parse(Value("--duration") ?? "10", CultureInfo.InvariantCulture),
            int.Parse(Value("--threads") ?? "2", CultureInfo.InvariantCulture),
            int.Parse(Value("--connections") ?? "32", CultureInfo.InvariantCulture),
            int.Parse(Value("--hold") ?? "0", CultureInfo.InvariantCulture),
            Value("--postgres"));
    }

    public static string FindRepositoryRoot()
    {
        var directory = new DirectoryInfo(AppContext.BaseDirectory);
        while (directory is not null && !File.Exists(Path.Combine(directory.FullName, "Latchkey.slnx")))
        {
            directory = directory.Parent;
        }

        return directory?.FullName ?? throw new InvalidOperationException("Run from inside the repository.");
    }
}
