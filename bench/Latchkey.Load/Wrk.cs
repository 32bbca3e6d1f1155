using System.Diagnostics;
using System.Globalization;
using System.Text.RegularExpressions;

/// <summary>One wrk run, bounded in time, and the figures read from its --latency report.</summary>
/// <remarks>
/// <see cref="Max"/> is the slowest request that completed within wrk's --timeout (5 s; slower ones count as socket
/// timeouts). It is exact: wrk corrects its histogram for coordinated omission before printing, but the correction
/// only adds samples below real ones. For the same reason the number of requests over a threshold cannot be read
/// exactly from wrk (its Lua done() sees the corrected histogram), so the benchmark reports the max instead.
/// </remarks>
internal sealed record Wrk(long Requests, double RequestsPerSecond, string P50, string P99, string Max, long Non2xx, string SocketErrors, double ServerCpuPerRequest)
{
    /// <summary>Runs of equal length as one: mean rate and CPU per request, the slowest run's p50, p99 and max, summed errors.</summary>
    public static Wrk Combine(IEnumerable<Wrk> runs)
    {
        var all = runs.ToArray();
        return new Wrk(
            all.Sum(run => run.Requests),
            all.Average(run => run.RequestsPerSecond),
            all.MaxBy(run => Microseconds(run.P50))!.P50,
            all.MaxBy(run => Microseconds(run.P99))!.P99,
            all.MaxBy(run => Microseconds(run.Max))!.Max,
            all.Sum(run => run.Non2xx),
            string.Join(", ", all.Select(run => run.SocketErrors).Where(errors => errors != "0").DefaultIfEmpty("0")),
            all.Sum(run => run.ServerCpuPerRequest * run.RequestsPerSecond) / all.Sum(run => run.RequestsPerSecond));
    }

    // wrk prints latencies as 850.00us, 1.20ms or 2.01s.
    public static double Microseconds(string latency)
    {
        var unit = latency.TrimStart("0123456789.".ToCharArray());
        var value = double.Parse(latency[..^unit.Length], CultureInfo.InvariantCulture);
        return unit switch { "us" => value, "ms" => value * 1_000, "s" => value * 1_000_000, "m" => value * 60_000_000, _ => double.NaN };
    }

    // serverPid: the server, whose CPU time (user + system, from /proc) is divided by the requests served.
    public static Wrk Run(Settings settings, string url, string? script, IReadOnlyDictionary<string, string> environment, int? serverPid = null, bool quiet = false)
    {
        var cpuBefore = serverPid is { } before ? ProcessCpu.Seconds(before) : 0;
        var arguments = $"-t{settings.Threads} -c{settings.Connections} -d{settings.Duration}s --timeout 5s --latency {(script is null ? "" : $"-s \"{script}\" ")}{url}";
        var start = new ProcessStartInfo("wrk", arguments) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var (key, value) in environment)
        {
            start.Environment[key] = value;
        }

        using var process = Process.Start(start) ?? throw new InvalidOperationException("wrk is not installed (apt-get install wrk).");
        var output = process.StandardOutput.ReadToEnd();
        process.WaitForExit();
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"wrk failed: {process.StandardError.ReadToEnd()}");
        }

        if (!quiet)
        {
            Console.WriteLine($"\n$ wrk {arguments}\n{output.TrimEnd()}");
        }

        var cpu = serverPid is { } after ? ProcessCpu.Seconds(after) - cpuBefore : 0;
        string Match(string pattern) => Regex.Match(output, pattern, RegexOptions.Multiline).Groups[1].Value;
        var requests = long.Parse(Match(@"^\s+(\d+) requests in"), CultureInfo.InvariantCulture);
        return new Wrk(
            requests,
            double.Parse(Match(@"^Requests/sec:\s+([\d.]+)"), CultureInfo.InvariantCulture),
            Match(@"^\s+50%\s+(\S+)"),
            Match(@"^\s+99%\s+(\S+)"),
            // Thread Stats: "Latency  <avg> <stdev> <max> <+/- stdev>".
            Match(@"^[ \t]+Latency[ \t]+\S+[ \t]+\S+[ \t]+(\S+)"),
            long.TryParse(Match(@"Non-2xx or 3xx responses:\s+(\d+)"), out var non2xx) ? non2xx : 0,
            Match(@"Socket errors:\s+(.+)$") is { Length: > 0 } errors ? errors.Trim() : "0",
            requests == 0 ? 0 : cpu / requests * 1e6);
    }
}
