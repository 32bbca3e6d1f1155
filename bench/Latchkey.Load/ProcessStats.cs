using System.Globalization;

internal static class ProcessCpu
{
    /// <summary>User + system CPU seconds a process has used, from /proc/&lt;pid&gt;/stat (clock ticks of 1/100 s).</summary>
    public static double Seconds(int pid)
    {
        var stat = File.ReadAllText($"/proc/{pid}/stat");
        var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
        return (long.Parse(fields[11], CultureInfo.InvariantCulture) + long.Parse(fields[12], CultureInfo.InvariantCulture)) / 100.0;
    }
}

internal static class Memory
{
    /// <summary>VmHWM (peak resident set) and VmRSS of a process, from /proc.</summary>
    public static string Read(int pid)
    {
        var lines = File.ReadAllLines($"/proc/{pid}/status");
        string Field(string name) => lines.FirstOrDefault(l => l.StartsWith(name, StringComparison.Ordinal))?[name.Length..].Trim() ?? "?";
        return $"VmHWM {ToMiB(Field("VmHWM:"))}, VmRSS {ToMiB(Field("VmRSS:"))}";
    }

    private static string ToMiB(string kilobytes) =>
        long.TryParse(kilobytes.Replace(" kB", "", StringComparison.Ordinal), out var kb) ? $"{kb / 1024.0:0} MiB" : kilobytes;
}

internal static class MachineInfo
{
    public static string CpuModel() =>
        File.ReadLines("/proc/cpuinfo").FirstOrDefault(l => l.StartsWith("model name", StringComparison.Ordinal))?.Split(':', 2)[1].Trim() ?? "unknown CPU";

    public static string MemoryGiB() =>
        File.ReadLines("/proc/meminfo").First().Split(' ', StringSplitOptions.RemoveEmptyEntries)[1] is var kb ? $"{long.Parse(kb, CultureInfo.InvariantCulture) / 1024.0 / 1024.0:0}" : "?";

    public static string LoadAverage() => string.Join(' ', File.ReadAllText("/proc/loadavg").Split(' ').Take(3));
}
