using Microsoft.Extensions.Options;

namespace Latchkey.Server.Environments;

/// <summary>
/// First start creates one account with <c>dev</c> and <c>prod</c>. A generated dev key is printed once to the
/// console (not through the logger: logs never carry secrets); keys given by environment variables are applied.
/// </summary>
public sealed class EnvironmentBootstrap(
    EnvironmentStore store,
    EnvironmentDirectory directory,
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
            logger.LogInformation("Secret key of environment {Environment} set from LATCHKEY_SECRET_KEY_{Upper}",
                environment.Name, environment.Name.ToUpperInvariant());
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
