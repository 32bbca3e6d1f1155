using Microsoft.AspNetCore.DataProtection;

namespace Latchkey.Server.Vault;

/// <summary>
/// Loads (or, on a new database, creates) the Data Protection key at start-up, under the start-up lock, instead of at
/// the first login: instances starting together then share one key rather than each making its own.
/// </summary>
public sealed class DataProtectionStartup(IDataProtectionProvider provider) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken)
    {
        provider.CreateProtector("Latchkey.Startup").Protect([0]);
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
