using System.Net;
using Latchkey.Server.Dashboard.Team;
using static Latchkey.Server.Tests.Dashboard.DashboardTeam;

namespace Latchkey.Server.Tests.Dashboard;

/// <summary>
/// Each role is refused, on the server, every dashboard endpoint it may not use (403 with a page saying why) and
/// allowed the others, in each environment. The expectations are written out here, apart from the server's own table.
/// </summary>
public sealed class DashboardRoleTests
{
    private static readonly (string Name, HttpMethod Method, string Path)[] Endpoints =
    [
        ("integrations.list", HttpMethod.Get, "integrations"), ("integrations.catalog", HttpMethod.Get, "integrations/new"),
        ("integrations.new", HttpMethod.Get, "integrations/new/fake-apikey"), ("integrations.create", HttpMethod.Post, "integrations"),
        ("integrations.edit", HttpMethod.Get, "integrations/fake-apikey"), ("integrations.update", HttpMethod.Post, "integrations/nope"),
        ("integrations.delete", HttpMethod.Post, "integrations/nope/delete"),
        ("connections.list", HttpMethod.Get, "connections"), ("connections.share-form", HttpMethod.Get, "connections/share"),
        ("connections.share", HttpMethod.Post, "connections/share"), ("connections.detail", HttpMethod.Get, "connections/fake-apikey/{connection}"),
        ("connections.reveal", HttpMethod.Post, "connections/fake-apikey/{connection}/reveal"), ("connections.delete", HttpMethod.Post, "connections/fake-apikey/nope/delete"),
        ("settings", HttpMethod.Get, "settings"), ("settings.save", HttpMethod.Post, "settings"), ("settings.reveal-secret-key", HttpMethod.Post, "settings/secret-key/reveal"),
        ("settings.rotate-signing-key", HttpMethod.Post, "settings/signing-key"), ("settings.rotate-secret-key", HttpMethod.Post, "settings/secret-key"),
        ("logs", HttpMethod.Get, "logs"), ("webhooks", HttpMethod.Get, "webhooks"), ("webhooks.redeliver", HttpMethod.Post, "webhooks/999/redeliver"),
        ("audit", HttpMethod.Get, "audit"),
        ("users", HttpMethod.Get, "users"), ("users.invite", HttpMethod.Post, "users"), ("users.roles", HttpMethod.Post, "users/999/roles"),
        ("users.invitation", HttpMethod.Post, "users/999/invitation"), ("users.disable", HttpMethod.Post, "users/999/disable"),
        ("users.enable", HttpMethod.Post, "users/999/enable"), ("users.remove", HttpMethod.Post, "users/999/remove"),
        ("users.mfa-reset", HttpMethod.Post, "users/999/mfa/reset"), ("users.mfa-requirement", HttpMethod.Post, "users/mfa-requirement"),
    ];

    private static readonly string[] Support = ["connections.list", "connections.share-form", "connections.share", "connections.detail", "logs", "webhooks"];

    private static readonly string[] Developer =
    [
        .. Support, "integrations.list", "integrations.catalog", "integrations.new", "integrations.create", "integrations.edit", "integrations.update",
        "integrations.delete", "connections.delete", "webhooks.redeliver",
    ];

    private static readonly string[] AdminOfOne = Endpoints.Select(e => e.Name).Where(name => !name.StartsWith("users", StringComparison.Ordinal)).ToArray();

    private static readonly string[] Everything = Endpoints.Select(e => e.Name).ToArray();

    [Theory]
    [InlineData("admin", "admin")]
    [InlineData("developer", "developer")]
    [InlineData("support", "support")]
    [InlineData("admin", "support")]
    public async Task EachRole_IsRefusedExactlyWhatItMayNotDo_PerEndpointAndEnvironment(string devRole, string prodRole)
    {
        await using var app = await Server.StartAsync(Admin);
        await app.CreateIntegrationAsync("fake-apikey");
        var connection = await app.ConnectApiKeyAsync("fake-apikey", await app.CreateSessionTokenAsync());
        using var admin = await AdminAsync(app);
        using var user = await AddUserAsync(app, admin, "member@example.com", devRole, prodRole);
        var token = await user.FormTokenAsync("/dashboard/dev/connections");

        var wrong = new List<string>();
        foreach (var (env, role) in new[] { ("dev", devRole), ("prod", prodRole) })
        {
            var allowed = Allowed(role, env, adminEverywhere: devRole == "admin" && prodRole == "admin");
            foreach (var (name, method, path) in Endpoints)
            {
                using var request = new HttpRequestMessage(method, $"/dashboard/{env}/{path.Replace("{connection}", connection, StringComparison.Ordinal)}");
                if (method == HttpMethod.Post)
                {
                    request.Content = Form(token);
                }

                var response = await user.Client.SendAsync(request, Server.Cancellation);
                var body = await response.Content.ReadAsStringAsync(Server.Cancellation);
                var refused = response.StatusCode == HttpStatusCode.Forbidden;
                if (refused == allowed.Contains(name) || (refused && !body.Contains("does not allow", StringComparison.Ordinal)))
                {
                    wrong.Add($"{role} in {env}: {name} answered {(int)response.StatusCode}");
                }

                if (refused)
                {
                    Assert.DoesNotContain(FakeProvider.GoodApiKey, body, StringComparison.Ordinal);
                }
            }
        }

        Assert.Empty(wrong);
    }

    [Fact]
    public async Task EveryDashboardRoute_DeclaresTheRightItNeeds_OrIsOneOfTheOpenPages()
    {
        await using var app = await Server.StartAsync(Admin);
        string[] open = ["/dashboard", "/dashboard/login", "/dashboard/login/mfa", "/dashboard/login/passkey", "/dashboard/invitation", "/dashboard/assets/{file}", "/dashboard/sso", "/dashboard/sso/complete"];

        var undeclared = app.Services.GetRequiredService<EndpointDataSource>().Endpoints.OfType<RouteEndpoint>()
            .Where(e => e.RoutePattern.RawText?.StartsWith("/dashboard", StringComparison.Ordinal) == true)
            .Where(e => !open.Contains(e.RoutePattern.RawText!.TrimEnd('/')) && e.Metadata.GetMetadata<DashboardRightMetadata>() is null)
            .Select(e => e.DisplayName);

        Assert.Empty(undeclared);
    }

    private static string[] Allowed(string role, string env, bool adminEverywhere) => role switch
    {
        "admin" => adminEverywhere ? Everything : AdminOfOne,
        "developer" => env == "dev" ? [.. Developer, "connections.reveal"] : Developer,
        _ => Support,
    };
}
