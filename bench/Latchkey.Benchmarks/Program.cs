using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Jobs;
using BenchmarkDotNet.Running;

if (args.Contains("--cache-memory"))
{
    Latchkey.Benchmarks.CacheMemory.Run();
    return;
}

// A short job (3 warm-ups, 8 measured iterations) so the whole suite runs in a few minutes on 2 cores.
var config = DefaultConfig.Instance
    .AddJob(Job.ShortRun.WithWarmupCount(3).WithIterationCount(8).WithLaunchCount(1))
    .WithOptions(ConfigOptions.DisableOptimizationsValidator);
BenchmarkSwitcher.FromAssembly(typeof(Latchkey.Benchmarks.VaultBenchmarks).Assembly).Run(args, config);
