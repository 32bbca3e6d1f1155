using System.Net;
using Latchkey.Server.Environments;

namespace Latchkey.Server.Tests.Dashboard;

/// <summary>Settings shows each environment's public key, and its secret key in full only on a deliberate POST.</summary>
public sealed class DashboardKeysTests
{
    private const string Email = "ops@example.com";
    private const string Password = "a long enough dashboard password";
    private static readonly Dictionary<string, string?> Admin = new() { ["LATCHKEY_ADMIN_EMAIL"] = Email, ["LATCHKEY_ADMIN_PASSWORD"] = Password };

    [Theory]
    [InlineData("dev")]
    [InlineData("prod")]
    public async Task Settings_ShowsThePublicKey_AndTheSecretKeyOnlyWhenRevealed(string env)
    {
        await using var app = await Server.StartAsync(Admin);
        var secretKey = env == "dev" ? app.SecretKey : app.ProdSecretKey;
        var environment = (await app.Services.GetRequiredService<EnvironmentStore>().ListAsync(Server.Cancellation)).Single(e => e.Name == env);
        using var browser = new DashboardLoginBrowser(app);
        await browser.LogInAsync(Email, Password);

        var page = await browser.Client.GetStringAsync($"/dashboard/{env}/settings", Server.Cancellation);
        var token = await browser.FormTokenAsync($"/dashboard/{env}/settings");
        var revealed = await browser.Client.PostAsync($"/dashboard/{env}/settings/secret-key/reveal", Form(token), Server.Cancellation);
        using var asJson = new HttpRequestMessage(HttpMethod.Post, $"/dashboard/{env}/settings/secret-key/reveal") { Content = Form(token) };
        asJson.Headers.Accept.ParseAdd("application/json");
        var json = await browser.Client.SendAsync(asJson, Server.Cancellation);

        Assert.Contains($"id=\"public-key\">{environment.PublicKey}<", page, StringComparison.Ordinal);
        Assert.DoesNotContain(secretKey, page, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.OK, revealed.StatusCode);
        Assert.Contains($">{secretKey}</code>", await revealed.Content.ReadAsStringAsync(Server.Cancellation), StringComparison.Ordinal);
        Assert.Equal(secretKey, (await json.JsonAsync())["secret_key"]!.GetValue<string>());
        Assert.True(json.Headers.CacheControl?.NoStore, "a revealed key is never cached");
        Assert.DoesNotContain(app.Logs.Lines, line => line.Contains(secretKey, StringComparison.Ordinal));
    }

    [Fact]
    public async Task Reveal_WithoutTheFormToken_OrWithoutLogin_ShowsNoKey()
    {
        await using var app = await Server.StartAsync(Admin);
        using var anonymous = new DashboardLoginBrowser(app);
        using var admin = new DashboardLoginBrowser(app);
        await admin.LogInAsync(Email, Password);

        var forged = await admin.Client.PostAsync("/dashboard/dev/settings/secret-key/reveal", new FormUrlEncodedContent([]), Server.Cancellation);
        var stranger = await anonymous.Client.PostAsync("/dashboard/dev/settings/secret-key/reveal",
            Form(await anonymous.FormTokenAsync("/dashboard/login")), Server.Cancellation);

        Assert.Equal(HttpStatusCode.BadRequest, forged.StatusCode);
        Assert.Contains(stranger.StatusCode, new[] { HttpStatusCode.BadRequest, HttpStatusCode.Unauthorized });
        Assert.DoesNotContain(app.SecretKey, await forged.Content.ReadAsStringAsync(Server.Cancellation), StringComparison.Ordinal);
        Assert.DoesNotContain(app.SecretKey, await stranger.Content.ReadAsStringAsync(Server.Cancellation), StringComparison.Ordinal);
    }

    private static FormUrlEncodedContent Form(string token) => new([KeyValuePair.Create("__RequestVerificationToken", token)]);
}
