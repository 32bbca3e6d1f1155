namespace Latchkey.Server.Providers;

/// <summary>
/// Loads the catalog when the server starts, not at the first request that needs it: a file that cannot be read stops
/// start-up with its sentence, and every entry that was left out is named in the log once, with the reason. The load
/// (~90 ms of CPU, most of it compiling the YAML parser) begins before the first hosted service starts and runs beside
/// the migrations and key checks, which wait on the disk or the database; start-up waits for it at this service's turn.
/// </summary>
public sealed class CatalogStartup(IServiceProvider services, ILogger<ProviderCatalog> logger) : IHostedLifecycleService
{
    private Task<ProviderCatalog>? _loading;

    public Task StartingAsync(CancellationToken cancellationToken)
    {
        _loading = Task.Run(services.GetRequiredService<ProviderCatalog>, cancellationToken);
        return Task.CompletedTask;
    }

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        var catalog = await (_loading ?? Task.FromResult(services.GetRequiredService<ProviderCatalog>()));
        foreach (var problem in catalog.Skipped)
        {
            logger.LogWarning("Provider catalog: left out {Problem}", problem);
        }

        logger.LogInformation("Provider catalog: {Count} providers; keys accepted but not acted on: {Ignored}", catalog.All.Count,
            catalog.IgnoredKeys.Count == 0 ? "none" : string.Join(", ", catalog.IgnoredKeys.Select(pair => $"{pair.Key} ({pair.Value})")));
    }

    public Task StartedAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StoppingAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StoppedAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
