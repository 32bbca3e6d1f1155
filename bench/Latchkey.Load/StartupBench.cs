using System.Diagnostics;

/// <summary>
/// <c>--startup</c>: time from starting the server process to the first 200 of GET /health (polled every 10 ms),
/// <see cref="Settings.StartupRuns"/> times on a fresh data folder (SQLite: the database is created and migrated),
/// then once more on the last run's folder after it stopped (an ordinary restart).
/// </summary>
internal static class StartupBench
{
    private static readonly TimeSpan Poll = TimeSpan.FromMilliseconds(10);
    private static readonly TimeSpan Limit = TimeSpan.FromSeconds(30);

    public static async Task RunAsync(Settings settings, string dll)
    {
        var command = dll.EndsWith(".dll", StringComparison.OrdinalIgnoreCase) ? $"dotnet {Path.GetFileName(dll)}" : $"{Path.GetFileName(dll)} (a published executable)";
        Console.WriteLine($"\n## Start-up\n\n`{command}` from process start to the first 200 of GET /health, polled every {Poll.TotalMilliseconds:0} ms; SQLite");
        var fresh = new List<double>();
        BenchServer? last = null;
        try
        {
            for (var run = 0; run < settings.StartupRuns; run++)
            {
                if (last is not null)
                {
                    await last.DisposeAsync();
                    last = null;
                }

                (last, var elapsed) = await TimeStartAsync(() => BenchServer.Start(dll));
                fresh.Add(elapsed);
            }

            // The restart: same folder and keys, the server stopped the way an operator stops it (SIGTERM).
            await last!.StopAsync();
            var (again, restart) = await TimeStartAsync(() => BenchServer.Start(dll, dataDirectory: last.DataDirectory, keys: (last.SecretKey, last.EncryptionKey)));
            await again.DisposeAsync();

            Console.WriteLine($"fresh folder, each run: {string.Join(", ", fresh.Select(ms => $"{ms:0} ms"))}");
            Console.WriteLine("| start-up to a healthy /health | runs | min | median | max |");
            Console.WriteLine("|---|---:|---:|---:|---:|");
            var sorted = fresh.Order().ToArray();
            Console.WriteLine($"| fresh data folder (database created) | {sorted.Length} | {sorted[0]:0} ms | {Median(sorted):0} ms | {sorted[^1]:0} ms |");
            Console.WriteLine($"| existing data folder (second start) | 1 | {restart:0} ms | {restart:0} ms | {restart:0} ms |");
        }
        finally
        {
            if (last is not null)
            {
                await last.DisposeAsync();
            }
        }
    }

    private static async Task<(BenchServer Server, double Milliseconds)> TimeStartAsync(Func<BenchServer> start)
    {
        var watch = Stopwatch.StartNew();
        var server = start();
        if (!await server.WaitForHealthAsync(Limit, Poll))
        {
            await server.DisposeAsync();
            throw new TimeoutException($"The server did not answer 200 on /health within {Limit.TotalSeconds:0} s of its start.");
        }

        return (server, watch.Elapsed.TotalMilliseconds);
    }

    private static double Median(double[] sorted) =>
        sorted.Length % 2 == 1 ? sorted[sorted.Length / 2] : (sorted[(sorted.Length / 2) - 1] + sorted[sorted.Length / 2]) / 2;
}
