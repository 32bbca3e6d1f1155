using System.Net;
using System.Security.Cryptography;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Time.Testing;

namespace Latchkey.Server.Tests.OAuth;

/// <summary>GitHub App installs (APP) and installs with user authorization (CUSTOM), against the TestKit's fake GitHub.</summary>
public sealed class GitHubAppTests
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(10);

    internal static async Task<TestApp> StartAsync(FakeTimeProvider? clock = null)
    {
        var app = await Server.StartAsync(clock: clock);
        app.Fake.GitHubAppCallbackUrl = $"{app.BaseUrl}/oauth/callback"; // the app's setup URL, as registered at GitHub
        return app;
    }

    internal static Task<string> AppIntegrationAsync(TestApp app, string? privateKey = null) =>
        app.CreateIntegrationAsync("fake-github-app", credentials: new
        {
            type = "APP", app_id = FakeProvider.GitHubAppId, app_link = app.Fake.GitHubAppLink, private_key = privateKey ?? app.Fake.GitHubAppPrivateKey,
        });

    private static Task<string> OAuthAppIntegrationAsync(TestApp app) =>
        app.CreateIntegrationAsync("fake-github-app-oauth", credentials: new
        {
            type = "CUSTOM", client_id = FakeProvider.ClientId, client_secret = FakeProvider.ClientSecret,
            app_id = FakeProvider.GitHubAppId, app_link = app.Fake.GitHubOAuthAppLink, private_key = app.Fake.GitHubAppPrivateKey,
        });

    /// <summary>The SDK's popup from <c>/oauth/connect</c> to the result page; returns the WebSocket's outcome message.</summary>
    internal static async Task<JsonObject> ConnectAsync(TestApp app, string integrationKey)
    {
        await using var socket = await SdkSocket.ConnectAsync(app.BaseUrl);
        using var browser = new OAuthBrowser();
        await browser.CompleteAsync($"{app.BaseUrl}/oauth/connect/{integrationKey}?connect_session_token={await app.CreateSessionTokenAsync()}&ws_client_id={socket.ClientId}");
        return (await socket.ReceiveAsync(Wait))!;
    }

    private static async Task<JsonObject> ReadAsync(TestApp app, string integrationKey, string connectionId, string extra = "")
    {
        var response = await app.Backend.GetAsync($"/connections/{connectionId}?provider_config_key={integrationKey}{extra}", Server.Cancellation);
        await app.Http.EnsureSuccessAsync(response);
        return await response.JsonAsync();
    }

    [Fact]
    public async Task App_Install_SendsTheUserToTheInstallationPage_AndSavesAnInstallationToken()
    {
        await using var app = await StartAsync();
        await AppIntegrationAsync(app);
        using var browser = new OAuthBrowser();
        var start = await browser.GetAsync($"{app.BaseUrl}/oauth/connect/fake-github-app?connect_session_token={await app.CreateSessionTokenAsync()}");

        var message = await ConnectAsync(app, "fake-github-app");
        var connection = await ReadAsync(app, "fake-github-app", message["connection_id"]!.GetValue<string>());

        Assert.Equal(HttpStatusCode.Redirect, start.StatusCode);
        Assert.StartsWith($"{app.Fake.GitHubAppLink}/installations/new?state=", start.Headers.Location!.ToString(), StringComparison.Ordinal);
        Assert.Equal(("success", false), (message["message_type"]!.GetValue<string>(), message["is_pending"]!.GetValue<bool>()));
        var credentials = connection["credentials"]!;
        Assert.Equal("APP", credentials["type"]!.GetValue<string>());
        Assert.Equal(app.Fake.CurrentInstallationTokenOrNull, credentials["access_token"]!.GetValue<string>());
        Assert.Equal(app.Fake.CurrentInstallationTokenOrNull, credentials["raw"]!["token"]!.GetValue<string>());
        Assert.True(DateTimeOffset.Parse(credentials["expires_at"]!.GetValue<string>(), System.Globalization.CultureInfo.InvariantCulture) > DateTimeOffset.UtcNow.AddMinutes(50));
        Assert.Equal(app.Fake.LastAppJwt, credentials["jwtToken"]!.GetValue<string>());
        Assert.Equal(FakeProvider.GitHubInstallationId, connection["connection_config"]!["installation_id"]!.GetValue<string>());
        Assert.Equal(FakeProvider.GitHubAppId, connection["connection_config"]!["app_id"]!.GetValue<string>());
        Assert.Equal(1, app.Fake.InstallationTokenCalls);

        // GitHub's JWT rules: iat backdated by about a minute, exp at most ten minutes ahead.
        var claims = app.Fake.LastAppJwtClaims!;
        var now = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
        Assert.InRange(now - claims["iat"]!.GetValue<long>(), 50, 70);
        Assert.InRange(claims["exp"]!.GetValue<long>() - now, 60, 600);
    }

    [Fact]
    public async Task App_TokenNearExpiry_IsMintedAgainOnRead_WithANewJwt()
    {
        var clock = new FakeTimeProvider(DateTimeOffset.UtcNow);
        await using var app = await StartAsync(clock);
        await AppIntegrationAsync(app);
        var connectionId = (await ConnectAsync(app, "fake-github-app"))["connection_id"]!.GetValue<string>();
        var first = await ReadAsync(app, "fake-github-app", connectionId);
        var firstJwt = app.Fake.LastAppJwt;

        await ReadAsync(app, "fake-github-app", connectionId); // fresh: no new token
        var callsWhileFresh = app.Fake.InstallationTokenCalls;
        clock.Advance(TimeSpan.FromMinutes(50)); // inside the 15-minute margin of GitHub's one-hour token
        var second = await ReadAsync(app, "fake-github-app", connectionId);
        var forced = await ReadAsync(app, "fake-github-app", connectionId, "&refresh_github_app_jwt_token=true");

        Assert.Equal(1, callsWhileFresh);
        Assert.Equal(3, app.Fake.InstallationTokenCalls);
        Assert.NotEqual(first["credentials"]!["access_token"]!.GetValue<string>(), second["credentials"]!["access_token"]!.GetValue<string>());
        Assert.NotEqual(second["credentials"]!["access_token"]!.GetValue<string>(), forced["credentials"]!["access_token"]!.GetValue<string>());
        Assert.NotEqual(firstJwt, app.Fake.LastAppJwt);
        Assert.Equal(app.Fake.CurrentInstallationTokenOrNull, forced["credentials"]!["access_token"]!.GetValue<string>());
    }

    [Fact]
    public async Task App_WrongPrivateKey_FailsTheFlow_WithAClearError_AndSavesNothing()
    {
        await using var app = await StartAsync();
        using var otherKey = RSA.Create(2048);
        await AppIntegrationAsync(app, otherKey.ExportRSAPrivateKeyPem());

        var message = await ConnectAsync(app, "fake-github-app");
        var list = await (await app.Backend.GetAsync("/connections", Server.Cancellation)).JsonAsync();

        Assert.Equal("error", message["message_type"]!.GetValue<string>());
        Assert.Equal("unknown_err", message["error_type"]!.GetValue<string>());
        var description = message["error_desc"]!.GetValue<string>();
        Assert.Contains("refused to issue an installation access token (HTTP 401", description, StringComparison.Ordinal);
        Assert.Contains("private key", description, StringComparison.Ordinal);
        Assert.Empty(list["connections"]!.AsArray());
    }

    [Fact]
    public async Task App_UnreadablePrivateKey_FailsTheFlow_WithoutCallingGitHub()
    {
        await using var app = await StartAsync();
        await AppIntegrationAsync(app, "-----BEGIN RSA PRIVATE KEY-----\nbm90IGEga2V5\n-----END RSA PRIVATE KEY-----\n");

        var message = await ConnectAsync(app, "fake-github-app");

        Assert.Equal("unknown_err", message["error_type"]!.GetValue<string>());
        Assert.Contains("not a readable RSA key", message["error_desc"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Equal(0, app.Fake.InstallationTokenCalls);
    }

    [Fact]
    public async Task App_InstallationAwaitingApproval_FailsWithCallbackErr()
    {
        await using var app = await StartAsync();
        await AppIntegrationAsync(app);
        app.Fake.GitHubSetupAction = "request";

        var message = await ConnectAsync(app, "fake-github-app");

        Assert.Equal("callback_err", message["error_type"]!.GetValue<string>());
        Assert.Contains("awaits approval", message["error_desc"]!.GetValue<string>(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Custom_Install_ExchangesTheUserCode_AndMintsTheInstallationToken_AndIsNeverRefreshed()
    {
        await using var app = await StartAsync();
        await OAuthAppIntegrationAsync(app);

        var message = await ConnectAsync(app, "fake-github-app-oauth");
        var connectionId = message["connection_id"]!.GetValue<string>();
        var connection = await ReadAsync(app, "fake-github-app-oauth", connectionId, "&force_refresh=true");

        Assert.Equal(("success", false), (message["message_type"]!.GetValue<string>(), message["is_pending"]!.GetValue<bool>()));
        var credentials = connection["credentials"]!;
        Assert.Equal("CUSTOM", credentials["type"]!.GetValue<string>());
        Assert.Equal(("APP", app.Fake.CurrentInstallationTokenOrNull), (credentials["app"]!["type"]!.GetValue<string>(), credentials["app"]!["access_token"]!.GetValue<string>()));
        Assert.Equal(("OAUTH2", app.Fake.CurrentAccessTokenOrNull), (credentials["user"]!["type"]!.GetValue<string>(), credentials["user"]!["access_token"]!.GetValue<string>()));
        Assert.Equal(app.Fake.CurrentAccessTokenOrNull, credentials["raw"]!["access_token"]!.GetValue<string>());
        Assert.Equal(FakeProvider.GitHubInstallationId, connection["connection_config"]!["installation_id"]!.GetValue<string>());
        Assert.Equal((1, 1), (app.Fake.CodeExchanges, app.Fake.InstallationTokenCalls)); // force_refresh leaves CUSTOM untouched
    }

    [Fact]
    public async Task Custom_UpdateWithoutCode_AndReinstall_UpdateTheConnectedInstallation_WithoutAnExchange()
    {
        await using var app = await StartAsync();
        await OAuthAppIntegrationAsync(app);
        var connectionId = (await ConnectAsync(app, "fake-github-app-oauth"))["connection_id"]!.GetValue<string>();
        var userToken = app.Fake.CurrentAccessTokenOrNull;

        app.Fake.GitHubSetupAction = "update";
        app.Fake.GitHubSendsCode = false;
        var updated = await ConnectAsync(app, "fake-github-app-oauth");
        app.Fake.GitHubSetupAction = "install";
        app.Fake.GitHubSendsCode = true;
        var reinstalled = await ConnectAsync(app, "fake-github-app-oauth");
        var connection = await ReadAsync(app, "fake-github-app-oauth", connectionId);
        var list = await (await app.Backend.GetAsync("/connections", Server.Cancellation)).JsonAsync();

        Assert.Equal(("success", connectionId), (updated["message_type"]!.GetValue<string>(), updated["connection_id"]!.GetValue<string>()));
        Assert.Equal(("success", connectionId), (reinstalled["message_type"]!.GetValue<string>(), reinstalled["connection_id"]!.GetValue<string>()));
        Assert.Equal((1, 3), (app.Fake.CodeExchanges, app.Fake.InstallationTokenCalls));
        Assert.Equal(userToken, connection["credentials"]!["user"]!["access_token"]!.GetValue<string>());
        Assert.Equal(app.Fake.CurrentInstallationTokenOrNull, connection["credentials"]!["app"]!["access_token"]!.GetValue<string>());
        Assert.Single(list["connections"]!.AsArray());
    }

    [Fact]
    public async Task Custom_UpdateWithoutCode_OfAnUnknownInstallation_SavesTheAppWithoutAUser()
    {
        await using var app = await StartAsync();
        await OAuthAppIntegrationAsync(app);
        app.Fake.GitHubSetupAction = "update";
        app.Fake.GitHubSendsCode = false;

        var message = await ConnectAsync(app, "fake-github-app-oauth");
        var connection = await ReadAsync(app, "fake-github-app-oauth", message["connection_id"]!.GetValue<string>());

        Assert.Equal(("success", false), (message["message_type"]!.GetValue<string>(), message["is_pending"]!.GetValue<bool>()));
        Assert.Equal(0, app.Fake.CodeExchanges);
        Assert.Null(connection["credentials"]!["user"]);
        Assert.Equal(app.Fake.CurrentInstallationTokenOrNull, connection["credentials"]!["app"]!["access_token"]!.GetValue<string>());
    }

    [Fact]
    public async Task Custom_WithoutInstallationId_IsPending_WithTheUserCredentialsOnly()
    {
        await using var app = await StartAsync();
        await OAuthAppIntegrationAsync(app);
        app.Fake.GitHubSetupAction = "request"; // an owner of the organization must approve the installation first

        var message = await ConnectAsync(app, "fake-github-app-oauth");
        var connection = await ReadAsync(app, "fake-github-app-oauth", message["connection_id"]!.GetValue<string>());

        Assert.Equal(("success", true), (message["message_type"]!.GetValue<string>(), message["is_pending"]!.GetValue<bool>()));
        Assert.Null(connection["credentials"]!["app"]);
        Assert.Equal(app.Fake.CurrentAccessTokenOrNull, connection["credentials"]!["user"]!["access_token"]!.GetValue<string>());
        Assert.Equal((1, 0), (app.Fake.CodeExchanges, app.Fake.InstallationTokenCalls));
    }

    [Fact]
    public async Task Custom_WithoutCodeOnInstall_FailsWithCallbackErr()
    {
        await using var app = await StartAsync();
        await OAuthAppIntegrationAsync(app);
        app.Fake.GitHubSendsCode = false;

        var message = await ConnectAsync(app, "fake-github-app-oauth");

        Assert.Equal("callback_err", message["error_type"]!.GetValue<string>());
        Assert.Equal(0, app.Fake.InstallationTokenCalls);
    }

    [Theory]
    [InlineData("fake-github-app", "APP")]
    [InlineData("fake-github-app-oauth", "CUSTOM")]
    public async Task Import_ByInstallationId_MintsTheToken(string provider, string type)
    {
        await using var app = await StartAsync();
        await (type == "APP" ? AppIntegrationAsync(app) : OAuthAppIntegrationAsync(app));

        var response = await app.Backend.PostAsJsonAsync("/connections", new
        {
            provider_config_key = provider, connection_id = "imported", credentials = new { type, app_id = FakeProvider.GitHubAppId, installation_id = FakeProvider.GitHubInstallationId },
        }, Server.Cancellation);
        var body = await response.JsonAsync();
        var read = await ReadAsync(app, provider, "imported");

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        var app_ = type == "APP" ? read["credentials"]! : read["credentials"]!["app"]!;
        Assert.Equal(app.Fake.CurrentInstallationTokenOrNull, app_["access_token"]!.GetValue<string>());
        Assert.Equal(type, body["credentials"]!["type"]!.GetValue<string>());
        Assert.Equal(FakeProvider.GitHubInstallationId, read["connection_config"]!["installation_id"]!.GetValue<string>());
        if (type == "CUSTOM")
        {
            Assert.Null(read["credentials"]!["user"]);
        }
    }

    [Theory]
    [InlineData("999", "connection_test_failed")] // an installation GitHub does not know
    [InlineData("12ab", "invalid_body")]
    public async Task Import_OfABadInstallation_IsRefused(string installationId, string code)
    {
        await using var app = await StartAsync();
        await AppIntegrationAsync(app);

        var response = await app.Backend.PostAsJsonAsync("/connections", new
        {
            provider_config_key = "fake-github-app", credentials = new { type = "APP", app_id = FakeProvider.GitHubAppId, installation_id = installationId },
        }, Server.Cancellation);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal(code, await response.ErrorCodeAsync());
        Assert.Empty((await (await app.Backend.GetAsync("/connections", Server.Cancellation)).JsonAsync())["connections"]!.AsArray());
    }
}
