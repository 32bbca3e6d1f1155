using System.Diagnostics;

// Loopback load benchmark (README, "Benchmarks"; recorded runs in bench/RESULTS.md). Builds the Release server and
// runs it on 127.0.0.1 as a child process with a fresh data folder; every wrk run is bounded in time. Sections, all
// run by default, or only those named:
//   --reads    (ReadBench.cs) seeds connections, then drives GET /health (the ceiling), GET /connections/:id and
//              POST /connect/sessions with wrk: requests/s, p50/p99/max, server CPU per request; the server's
//              memory at start, its peak and --idle seconds after the last run.
//   --mixed    (MixedBench.cs) a fresh server under 200 clients creating connect sessions and importing connections
//              for --mixed-duration seconds: requests/s, p50/p99/max, non-2xx; memory at start, peak, --idle s after.
//   --startup  (StartupBench.cs) process start to the first 200 of GET /health, on fresh data folders and once on
//              an existing one.
// Usage: dotnet run -c Release --project bench/Latchkey.Load [-- --sizes 1000,100000 --duration 10 --threads 2
//   --connections 32 --mixed-duration 60 --mixed-connections 200 --startup-runs 5 --idle 30]
// --postgres URL runs the reads and the mixed test on PostgreSQL instead of SQLite: a fresh database per section is
// created with the URL's role (which must be allowed to create databases) and dropped at the end. Start-up is
// always measured on SQLite.
// --server-dll PATH measures another build of the server instead of the Release build: a publish output's
// Latchkey.Server.dll, or the executable scripts/publish.sh makes (run as it is).
// --proxy measures the proxy instead (ProxyBench.cs): direct vs /proxy against a local upstream, same wrk settings.
// --hold N keeps the seeded, warmed server up for N seconds before measuring, for a profiler (dotnet-trace).

var settings = Settings.Parse(args);
var root = Settings.FindRepositoryRoot();
if (args.Contains("--proxy"))
{
    // --proxy: the proxy's added latency and throughput against a local upstream (ProxyBench).
    Console.WriteLine($"Latchkey proxy benchmark — {DateTime.UtcNow:yyyy-MM-dd HH:mm} UTC; machine: {Environment.ProcessorCount} cores, {MachineInfo.CpuModel()}; load average before: {MachineInfo.LoadAverage()}");
    Run("dotnet", $"build \"{Path.Combine(root, "src/Latchkey.Server")}\" -c Release -nologo -v q -clp:ErrorsOnly", root);
    await ProxyBench.RunAsync(settings, root);
    return 0;
}

Console.WriteLine($"Latchkey load benchmark — {DateTime.UtcNow:yyyy-MM-dd HH:mm} UTC");
Console.WriteLine($"machine: {Environment.ProcessorCount} cores, {MachineInfo.CpuModel()}, {MachineInfo.MemoryGiB()} GiB; load average before start: {MachineInfo.LoadAverage()}");
Console.WriteLine($"wrk: {settings.Threads} threads, {settings.Connections} connections, {settings.Duration} s per run, --latency, --timeout 5s");

Run("dotnet", $"build \"{Path.Combine(root, "src/Latchkey.Server")}\" -c Release -nologo -v q -clp:ErrorsOnly", root);
var dll = settings.ServerDll ?? BenchServer.ReleaseDll(root);
Console.WriteLine($"server: {dll}");

if (settings.Reads)
{
    await ReadBench.RunAsync(settings, dll);
}

if (settings.Mixed)
{
    await MixedBench.RunAsync(settings, dll);
}

if (settings.Startup)
{
    await StartupBench.RunAsync(settings, dll);
}

Console.WriteLine($"\nload average after: {MachineInfo.LoadAverage()}");
return 0;

static void Run(string file, string arguments, string directory)
{
    using var process = Process.Start(new ProcessStartInfo(file, arguments) { WorkingDirectory = directory })!;
    process.WaitForExit();
    if (process.ExitCode != 0)
    {
        throw new InvalidOperationException($"{file} {arguments} failed with exit code {process.ExitCode}.");
    }
}
