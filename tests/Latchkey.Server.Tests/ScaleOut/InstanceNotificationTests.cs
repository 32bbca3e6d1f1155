using System.Diagnostics;
using System.Net;
using System.Text.RegularExpressions;
using Latchkey.Server.Storage;
using Microsoft.Extensions.Options;
using Npgsql;

namespace Latchkey.Server.Tests.ScaleOut;

/// <summary>What one instance starts, another finishes: LISTEN/NOTIFY between two instances on one PostgreSQL database.</summary>
public sealed partial class InstanceNotificationTests
{
    private const string OnlyPostgres = "Instances notify each other only on PostgreSQL (set LATCHKEY_TEST_POSTGRES).";
    private const string Email = "ops@example.com";
    private const string Password = "a long enough dashboard password";
    private static readonly Dictionary<string, string?> Admin = new() { ["LATCHKEY_ADMIN_EMAIL"] = Email, ["LATCHKEY_ADMIN_PASSWORD"] = Password };

    [Fact]
    public async Task OAuthFlow_WithItsSocketOnA_AndItsCallbackOnB_TellsTheSocketOnA()
    {
        Assert.SkipUnless(TestDatabases.UsesPostgres, OnlyPostgres);
        await using var a = await Server.StartAsync();
        await using var b = await Server.StartAnotherInstanceAsync(a);
        await ScaleOutFlows.OAuthIntegrationAsync(a);
        await using var socket = await SdkSocket.ConnectAsync(a.BaseUrl);
        using var browser = new OAuthBrowser();

        var callback = await browser.ReachCallbackAsync($"{a.BaseUrl}/oauth/connect/fake-oauth2?connect_session_token={await a.CreateSessionTokenAsync()}&ws_client_id={socket.ClientId}");
        var page = await browser.GetAsync(b.BaseUrl + new Uri(callback).PathAndQuery);
        var message = await socket.ReceiveAsync(ScaleOutFlows.Wait);

        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        Assert.Equal("success", message?["message_type"]?.GetValue<string>());
        var connectionId = message!["connection_id"]!.GetValue<string>();
        Assert.Equal(HttpStatusCode.OK, (await a.Backend.GetAsync($"/connections/{connectionId}?provider_config_key=fake-oauth2", Server.Cancellation)).StatusCode);
    }

    [Fact]
    public async Task OAuthFailure_CalledBackOnB_ReachesTheSocketOnA_WithItsReason()
    {
        Assert.SkipUnless(TestDatabases.UsesPostgres, OnlyPostgres);
        await using var a = await Server.StartAsync();
        await using var b = await Server.StartAnotherInstanceAsync(a);
        await ScaleOutFlows.OAuthIntegrationAsync(a);
        a.Fake.DenyConsent = true;
        await using var socket = await SdkSocket.ConnectAsync(a.BaseUrl);
        using var browser = new OAuthBrowser();

        var callback = await browser.ReachCallbackAsync($"{a.BaseUrl}/oauth/connect/fake-oauth2?connect_session_token={await a.CreateSessionTokenAsync()}&ws_client_id={socket.ClientId}");
        await browser.GetAsync(b.BaseUrl + new Uri(callback).PathAndQuery);
        var message = await socket.ReceiveAsync(ScaleOutFlows.Wait);

        Assert.Equal("error", message?["message_type"]?.GetValue<string>());
        Assert.Equal("callback_err", message!["error_type"]!.GetValue<string>());
        Assert.Contains("access_denied", message["error_desc"]!.GetValue<string>(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task SecretKeyRotatedOnA_IsRefusedByB_WithinASecond()
    {
        Assert.SkipUnless(TestDatabases.UsesPostgres, OnlyPostgres);
        await using var a = await Server.StartAsync(Admin);
        await using var b = await Server.StartAnotherInstanceAsync(a);
        Assert.Equal(HttpStatusCode.OK, (await b.Backend.GetAsync("/environment", Server.Cancellation)).StatusCode); // B now caches the key

        var newKey = await RotateSecretKeyAsync(a);

        Assert.True(await RefusedWithinAsync(b, TimeSpan.FromSeconds(1)), "B still accepted the old key a second after the rotation");
        using var fresh = new HttpClient { BaseAddress = new Uri(b.BaseUrl) };
        fresh.DefaultRequestHeaders.Authorization = new("Bearer", newKey);
        Assert.Equal(HttpStatusCode.OK, (await fresh.GetAsync("/environment", Server.Cancellation)).StatusCode);
    }

    [Fact]
    public async Task Listener_KilledByTheDatabase_Reconnects_AndHearsTheNextRotation()
    {
        Assert.SkipUnless(TestDatabases.UsesPostgres, OnlyPostgres);
        await using var a = await Server.StartAsync(Admin);
        await using var b = await Server.StartAnotherInstanceAsync(a);
        var listeners = new[] { a, b }.Select(app => app.Services.GetRequiredService<NotificationListener>()).ToArray();
        Assert.All(listeners, listener => Assert.Equal(1, listener.Connections));

        await using (var admin = new NpgsqlConnection(PostgresConnectionString.From(a.Services.GetRequiredService<IOptions<StorageOptions>>().Value.DatabaseUrl!)))
        {
            await admin.OpenAsync(Server.Cancellation);
            await using var kill = new NpgsqlCommand(
                "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity WHERE datname = current_database() AND application_name = @name", admin);
            kill.Parameters.AddWithValue("name", NotificationListener.ApplicationName);
            Assert.Equal(2L, await kill.ExecuteScalarAsync(Server.Cancellation));
        }

        var reconnecting = Stopwatch.StartNew();
        while (listeners.Any(listener => listener.Connections < 2) && reconnecting.Elapsed < ScaleOutFlows.Wait)
        {
            await Task.Delay(50, Server.Cancellation);
        }

        Assert.All(listeners, listener => Assert.Equal(2, listener.Connections));
        Assert.Equal(HttpStatusCode.OK, (await b.Backend.GetAsync("/environment", Server.Cancellation)).StatusCode); // cached again on B
        await RotateSecretKeyAsync(a);
        Assert.True(await RefusedWithinAsync(b, TimeSpan.FromSeconds(1)), "B did not hear the rotation after its listener reconnected");
    }

    private static async Task<bool> RefusedWithinAsync(TestApp app, TimeSpan limit)
    {
        var since = Stopwatch.StartNew();
        while (since.Elapsed < limit)
        {
            if ((await app.Backend.GetAsync("/environment", Server.Cancellation)).StatusCode == HttpStatusCode.Unauthorized)
            {
                return true;
            }

            await Task.Delay(50, Server.Cancellation);
        }

        return false;
    }

    /// <summary>Rotates the dev secret key through the dashboard, as an operator would; returns the new key.</summary>
    private static async Task<string> RotateSecretKeyAsync(TestApp app)
    {
        using var browser = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false, CookieContainer = new CookieContainer(), UseCookies = true }) { BaseAddress = new Uri(app.BaseUrl) };
        var login = await browser.PostAsync("/dashboard/login", Form(("__RequestVerificationToken", await TokenAsync(browser, "/dashboard/login")), ("email", Email), ("password", Password)), Server.Cancellation);
        Assert.Equal(HttpStatusCode.Redirect, login.StatusCode);
        var rotated = await browser.PostAsync("/dashboard/dev/settings/secret-key", Form(("__RequestVerificationToken", await TokenAsync(browser, "/dashboard/dev/settings"))), Server.Cancellation);
        Assert.Equal(HttpStatusCode.OK, rotated.StatusCode);
        return NewSecretKey().Match(await rotated.Content.ReadAsStringAsync(Server.Cancellation)).Groups[1].Value;
    }

    private static FormUrlEncodedContent Form(params (string Key, string Value)[] fields) => new(fields.Select(f => KeyValuePair.Create(f.Key, f.Value)));

    private static async Task<string> TokenAsync(HttpClient browser, string path) =>
        AntiforgeryField().Match(await browser.GetStringAsync(path, Server.Cancellation)).Groups[1].Value;

    [GeneratedRegex("name=\"__RequestVerificationToken\" value=\"([^\"]+)\"")]
    private static partial Regex AntiforgeryField();

    [GeneratedRegex("id=\"new-secret-key\">([^<]+)<")]
    private static partial Regex NewSecretKey();
}
