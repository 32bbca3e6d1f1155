using System.Globalization;

/// <summary>The command line of the load benchmark (header of Program.cs).</summary>
internal sealed record Settings
{
    private static readonly string[] Sections = ["--reads", "--mixed", "--startup"];

    /// <summary>Stored connections of each read benchmark round.</summary>
    public int[] Sizes { get; init; } = [1000, 100000];

    /// <summary>Seconds per wrk run of the read benchmark.</summary>
    public int Duration { get; init; } = 10;

    public int Threads { get; init; } = 2;

    public int Connections { get; init; } = 32;

    public int Hold { get; init; }

    public string? Postgres { get; init; }

    public string? ServerDll { get; init; }

    /// <summary>Seconds of the 200-client mixed write test.</summary>
    public int MixedDuration { get; init; } = 60;

    public int MixedConnections { get; init; } = 200;

    /// <summary>Fresh-folder starts measured by the start-up section.</summary>
    public int StartupRuns { get; init; } = 5;

    /// <summary>Seconds of idling after a test before its memory is read again.</summary>
    public int Idle { get; init; } = 30;

    public bool Reads { get; init; } = true;

    public bool Mixed { get; init; } = true;

    public bool Startup { get; init; } = true;

    public static Settings Parse(string[] args)
    {
        string? Value(string name) => args.SkipWhile(a => a != name).Skip(1).FirstOrDefault();
        int Number(string name, int fallback) => Value(name) is { } value ? int.Parse(value, CultureInfo.InvariantCulture) : fallback;
        var defaults = new Settings();
        // Naming one or more sections runs only those; naming none runs all.
        var named = Sections.Where(args.Contains).ToArray();
        return new Settings
        {
            Sizes = Value("--sizes")?.Split(',').Select(s => int.Parse(s, CultureInfo.InvariantCulture)).ToArray() ?? defaults.Sizes,
            Duration = Number("--duration", defaults.Duration),
            Threads = Number("--threads", defaults.Threads),
            Connections = Number("--connections", defaults.Connections),
            Hold = Number("--hold", defaults.Hold),
            Postgres = Value("--postgres"),
            ServerDll = Value("--server-dll") is { } dll ? Path.GetFullPath(dll) : null,
            MixedDuration = Number("--mixed-duration", defaults.MixedDuration),
            MixedConnections = Number("--mixed-connections", defaults.MixedConnections),
            StartupRuns = Number("--startup-runs", defaults.StartupRuns),
            Idle = Number("--idle", defaults.Idle),
            Reads = named.Length == 0 || named.Contains("--reads"),
            Mixed = named.Length == 0 || named.Contains("--mixed"),
            Startup = named.Length == 0 || named.Contains("--startup"),
        };
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
