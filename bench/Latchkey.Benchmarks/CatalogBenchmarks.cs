using BenchmarkDotNet.Attributes;
using Latchkey.Server.Providers;

namespace Latchkey.Benchmarks;

/// <summary>Looking a provider up by name in the built-in catalog (done on every auth and connection read).</summary>
[MemoryDiagnoser]
public class CatalogBenchmarks
{
    private ProviderCatalog _catalog = null!;

    [GlobalSetup]
    public void Setup() => _catalog = ProvidersFeature.LoadCatalog(new ProvidersOptions());

    [Benchmark]
    public Provider? FindKnown() => _catalog.Find("github");

    [Benchmark]
    public Provider? FindUnknown() => _catalog.Find("no-such-provider");

    [Benchmark]
    public int CatalogSize() => _catalog.All.Count;
}
