namespace Latchkey.Server.Providers;

/// <summary>
/// Loads the catalog when the server starts, not at the first request that needs it: a file that cannot be read stops
/// start-up with its sentence, and every entry that was left out is named in the log once, with the reason.
/// </summary>
public sealed class CatalogStartup(IServiceProvider services, ILogger<ProviderCatalog> logger) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken)
    {
        var catalog = services.GetRequiredService<ProviderCatalog>();
        foreach (var problem in catalog.Skipped)
        {
            logger.LogWarning("Provider catalog: left out {Problem}", problem);
        }

        logger.LogInformation("Provider catalog: {Count} providers; keys accepted but not acted on: {Ignored}", catalog.All.Count,
            catalog.IgnoredKeys.Count == 0 ? "none" : string.Join(", ", catalog.IgnoredKeys.Select(pair => $"{pair.Key} ({pair.Value})")));
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
