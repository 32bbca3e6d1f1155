using System.Security.Cryptography;
using Latchkey.Server.Dashboard.Team;
using Latchkey.Server.Hosting;
using Microsoft.Extensions.Options;

namespace Latchkey.Server.Dashboard;

/// <summary>
/// First start creates the first dashboard user, admin in every environment, and prints a generated password once to
/// the console (not the logger), with the dashboard's full address: printed once the server listens, since only then
/// is its address known (a port chosen by <c>--urls</c>, an interface, a public URL). <c>LATCHKEY_ADMIN_PASSWORD</c>,
/// when set, is applied at every start: that user is created again if removed, given the password and the admin role
/// everywhere (a way back in, kept in configuration). Runs after the environments exist (registered after them).
/// </summary>
public sealed class AdminBootstrap(
    UserStore admins, IOptions<DashboardOptions> options, PublicUrls urls, IHostApplicationLifetime lifetime, ILogger<AdminBootstrap> logger) : IHostedService
{
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        var settings = options.Value;
        if (settings.AdminPassword is { } configured)
        {
            await admins.EnsureAdminAsync(settings.AdminEmail, configured, cancellationToken);
            logger.LogInformation("Dashboard administrator {Email} set from LATCHKEY_ADMIN_EMAIL/LATCHKEY_ADMIN_PASSWORD", settings.AdminEmail);
            return;
        }

        if (await admins.AnyAsync(cancellationToken))
        {
            return;
        }

        var password = Convert.ToBase64String(RandomNumberGenerator.GetBytes(18)).Replace('+', 'x').Replace('/', 'y');
        await admins.EnsureAdminAsync(settings.AdminEmail, password, cancellationToken);
        logger.LogInformation("First start: created the dashboard administrator {Email}", settings.AdminEmail);
        lifetime.ApplicationStarted.Register(() =>
        {
            Console.WriteLine();
            Console.WriteLine("  Dashboard login (shown once; set LATCHKEY_ADMIN_EMAIL / LATCHKEY_ADMIN_PASSWORD to choose them):");
            Console.WriteLine($"      {urls.Server}/dashboard/   e-mail {settings.AdminEmail}   password {password}");
            Console.WriteLine();
        });
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
