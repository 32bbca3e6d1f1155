using Latchkey.Server.Storage;
using Microsoft.Extensions.Options;

namespace Latchkey.Server.Environments;

/// <summary>
/// First start creates one account with <c>dev</c> and <c>prod</c>. A generated dev key is printed once to the
/// console (not through the logger: logs never carry secrets); keys given by environment variables are applied.
/// A configured key that differs from the stored one is a rotation, not an error: the variable is documented to win at
/// every start, and a differing secret key damages no stored data (it only changes which key authenticates). On
/// PostgreSQL the log says so loudly, since an instance started with an older value would put the older key back.
/// Runs under <see cref="StartupLock"/>, so instances starting together create the account once.
/// </summary>
public sealed class EnvironmentBootstrap(
    EnvironmentStore store,
    EnvironmentDirectory directory,
    Database database,
    IOptions<EnvironmentsOptions> options,
    ILogger<EnvironmentBootstrap> logger) : IHostedService
{
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        var configured = new Dictionary<string, string?>(StringComparer.Ordinal)
        {
            ["dev"] = options.Value.SecretKeyDev,
            ["prod"] = options.Value.SecretKeyProd,
        };

        if (!await store.AnyAccountAsync(cancellationToken))
        {
            var devKey = configured["dev"] ?? KeyFormats.NewSecretKey();
            var prodKey = configured["prod"] ?? KeyFormats.NewSecretKey();
            await store.CreateAccountAsync("default", [("dev", devKey), ("prod", prodKey)], cancellationToken);
            logger.LogInformation("First start: created the account with environments dev and prod");
            if (configured["dev"] is null)
            {
                PrintBanner(devKey);
            }

            return;
        }

        foreach (var environment in await store.ListAsync(cancellationToken))
        {
            if (configured.GetValueOrDefault(environment.Name) is not { } wanted)
            {
                continue;
            }

            var owner = await store.FindBySecretKeyAsync(wanted, cancellationToken);
            if (owner?.Id == environment.Id)
            {
                continue;
            }

            await store.SetSecretKeyAsync(environment.Id, wanted, cancellationToken);
            await directory.ForgetEverywhereAsync(environment.Id, cancellationToken);
            if (database.Dialect == SqlDialect.Postgres)
            {
                logger.LogWarning(
                    "Secret key of environment {Environment} replaced by LATCHKEY_SECRET_KEY_{Upper}; the key it replaced no longer authenticates. Give every instance the same value: one started with another would replace it again.",
                    environment.Name, environment.Name.ToUpperInvariant());
            }
            else
            {
                logger.LogInformation("Secret key of environment {Environment} set from LATCHKEY_SECRET_KEY_{Upper}",
                    environment.Name, environment.Name.ToUpperInvariant());
            }
        }
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    private static void PrintBanner(string devKey)
    {
        Console.WriteLine();
        Console.WriteLine("  Latchkey is set up. Your dev environment's secret key (shown once; also in the dashboard):");
        Console.WriteLine();
        Console.WriteLine($"      {devKey}");
        Console.WriteLine();
        Console.WriteLine("  Use it as `Authorization: Bearer <key>` from your backend. Set LATCHKEY_SECRET_KEY_DEV to choose it yourself.");
        Console.WriteLine();
    }
}
