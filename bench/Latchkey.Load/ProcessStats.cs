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
    public static string Read(int pid) => $"VmHWM {MiB(Kilobytes(pid, "VmHWM"))}, VmRSS {MiB(Kilobytes(pid, "VmRSS"))}";

    /// <summary>A field of /proc/&lt;pid&gt;/status in kB (VmRSS: resident now, VmHWM: peak resident); -1 once the process is gone.</summary>
    public static long Kilobytes(int pid, string field)
    {
        try
        {
            var line = File.ReadLines($"/proc/{pid}/status").FirstOrDefault(l => l.StartsWith(field + ":", StringComparison.Ordinal));
            return line is null ? -1 : long.Parse(line[(field.Length + 1)..].Replace("kB", "", StringComparison.Ordinal).Trim(), CultureInfo.InvariantCulture);
        }
        catch (IOException)
        {
            return -1;
        }
    }

    /// <summary>
    /// Resident memory that is the process's own, in kB: anonymous pages (the heaps) and shared-memory pages (the JIT's
    /// double-mapped code). The rest of VmRSS is mapped files (the runtime's and the framework's assemblies), clean
    /// pages the kernel shares with every .NET process and drops under pressure.
    /// </summary>
    public static long Private(int pid) =>
        Kilobytes(pid, "RssAnon") is var anonymous and >= 0 && Kilobytes(pid, "RssShmem") is var shared and >= 0 ? anonymous + shared : -1;

    /// <summary>Resets VmHWM to the current VmRSS (Linux: "5" to /proc/&lt;pid&gt;/clear_refs), so a peak can be read per test.</summary>
    public static bool ResetPeak(int pid)
    {
        try
        {
            File.WriteAllText($"/proc/{pid}/clear_refs", "5");
            return true;
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
        {
            return false;
        }
    }

    public static string MiB(long kilobytes) => kilobytes < 0 ? "?" : $"{kilobytes / 1024.0:0} MiB";
}

internal static class MachineInfo
{
    public static string CpuModel() =>
        File.ReadLines("/proc/cpuinfo").FirstOrDefault(l => l.StartsWith("model name", StringComparison.Ordinal))?.Split(':', 2)[1].Trim() ?? "unknown CPU";

    public static string MemoryGiB() =>
        File.ReadLines("/proc/meminfo").First().Split(' ', StringSplitOptions.RemoveEmptyEntries)[1] is var kb ? $"{long.Parse(kb, CultureInfo.InvariantCulture) / 1024.0 / 1024.0:0}" : "?";

    public static string LoadAverage() => string.Join(' ', File.ReadAllText("/proc/loadavg").Split(' ').Take(3));
}
