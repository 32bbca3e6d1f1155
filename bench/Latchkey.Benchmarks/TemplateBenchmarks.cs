using BenchmarkDotNet.Attributes;
using Latchkey.Server.Providers;

namespace Latchkey.Benchmarks;

/// <summary>Rendering catalog templates: a verification header (with a function) and a URL (with encoding).</summary>
[MemoryDiagnoser]
public class TemplateBenchmarks
{
    private static readonly DateTimeOffset Now = new(2026, 11, 23, 20, 0, 0, TimeSpan.Zero);

    private readonly TemplateValues _values = new TemplateValues()
        .Set("apiKey", "sk_live_51Hx3kLmNoPqRsTuVwXyZ")
        .Set("username", "ada@example.com")
        .Set("password", "correct horse battery staple")
        .Set("connectionConfig.subdomain", "acme")
        .Set("connectionConfig.region", "eu west");

    [Benchmark]
    public string BearerHeader() => Template.Render("Bearer ${apiKey}", _values, now: Now);

    [Benchmark]
    public string BasicHeader() => Template.Render("Basic ${base64(${username}:${password})}", _values, now: Now);

    [Benchmark]
    public string Url() => Template.Render("https://${connectionConfig.subdomain}.example.com/api/v2/${connectionConfig.region}/me", _values, encode: true, now: Now);
}
