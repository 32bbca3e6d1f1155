using System.Net;
using System.Security.Cryptography;
using System.Text;

namespace Latchkey.Server.Tests.CredentialEntry;

/// <summary>F3 (the public key cannot overwrite a connection), F11 (the connection limit under concurrency) and the cap on connections per session.</summary>
public sealed class EntryLimitsTests
{
    private static readonly Dictionary<string, string?> PublicKeyOn = new() { ["LATCHKEY_PUBLIC_KEY_AUTH"] = "true" };

    private static async Task<string> PublicKeyAsync(TestApp app)
    {
        var store = app.Services.GetRequiredService<Latchkey.Server.Environments.EnvironmentStore>();
        return (await store.FindBySecretKeyAsync(app.SecretKey, Server.Cancellation))!.PublicKey;
    }

    // What the integrator's backend computes (spec §4.4), written out here from its definition.
    private static string Hmac(string secretKey, string message) =>
        Convert.ToHexStringLower(HMACSHA256.HashData(Encoding.UTF8.GetBytes(secretKey), Encoding.UTF8.GetBytes(message)));

    private static Task<HttpResponseMessage> SubmitAsync(TestApp app, string query, string apiKey = FakeProvider.GoodApiKey) =>
        app.Http.PostAsJsonAsync($"/api-auth/api-key/fake-apikey?{query}", new { apiKey }, Server.Cancellation);

    [Fact]
    public async Task PublicKey_CannotOverwriteAnExistingConnection_WithoutTheIntegratorsHmac()
    {
        await using var app = await Server.StartAsync(PublicKeyOn);
        await app.CreateIntegrationAsync("fake-apikey");
        var publicKey = await PublicKeyAsync(app);
        var victim = await app.ConnectApiKeyAsync("fake-apikey", await app.CreateSessionTokenAsync());

        var overwrite = await SubmitAsync(app, $"public_key={publicKey}&connection_id={victim}");
        var forged = await SubmitAsync(app, $"public_key={publicKey}&connection_id={victim}&hmac={new string('a', 64)}");
        var signed = await SubmitAsync(app, $"public_key={publicKey}&connection_id={victim}&hmac={Hmac(app.SecretKey, $"fake-apikey:{victim}")}");

        Assert.Equal((HttpStatusCode.BadRequest, "missing_hmac"), (overwrite.StatusCode, await overwrite.ErrorCodeAsync()));
        Assert.Equal((HttpStatusCode.BadRequest, "invalid_hmac"), (forged.StatusCode, await forged.ErrorCodeAsync()));
        Assert.Equal(HttpStatusCode.OK, signed.StatusCode);
    }

    [Fact]
    public async Task PublicKey_OAuthStart_OnAnExistingConnection_NeedsTheHmacToo()
    {
        await using var app = await Server.StartAsync(PublicKeyOn);
        await app.CreateIntegrationAsync("fake-apikey");
        await app.CreateIntegrationAsync("fake-oauth2", credentials: new { type = "OAUTH2", client_id = FakeProvider.ClientId, client_secret = FakeProvider.ClientSecret });
        var publicKey = await PublicKeyAsync(app);
        using var browser = new OAuthBrowser();
        await browser.CompleteAsync($"{app.BaseUrl}/oauth/connect/fake-oauth2?public_key={publicKey}&connection_id=acct-1");

        var again = await browser.GetAsync($"{app.BaseUrl}/oauth/connect/fake-oauth2?public_key={publicKey}&connection_id=acct-1");

        Assert.Equal(HttpStatusCode.BadRequest, again.StatusCode);
        Assert.Contains("missing_hmac", await again.Content.ReadAsStringAsync(Server.Cancellation), StringComparison.Ordinal);
    }

    [Fact]
    public async Task ConnectionLimit_HoldsUnderFiftyConcurrentCreations()
    {
        await using var app = await Server.StartAsync(new Dictionary<string, string?>
        {
            ["LATCHKEY_CONNECTION_LIMIT"] = "5",
            ["LATCHKEY_SESSION_MAX_CONNECTIONS"] = "1000",
        });
        await app.CreateIntegrationAsync("fake-apikey");
        var tokens = await Task.WhenAll(Enumerable.Range(0, 5).Select(_ => app.CreateSessionTokenAsync()));

        var responses = await Task.WhenAll(Enumerable.Range(0, 50).Select(i => SubmitAsync(app, $"connect_session_token={tokens[i % 5]}")));

        Assert.Equal(5, responses.Count(r => r.StatusCode == HttpStatusCode.OK));
        foreach (var refused in responses.Where(r => r.StatusCode != HttpStatusCode.OK))
        {
            Assert.Equal((HttpStatusCode.BadRequest, "resource_capped"), (refused.StatusCode, await refused.ErrorCodeAsync()));
        }

        var list = await (await app.Backend.GetAsync("/connections", Server.Cancellation)).JsonAsync();
        Assert.Equal(5, list["connections"]!.AsArray().Count);
    }

    [Fact]
    public async Task SessionToken_CreatesAtMostTheSessionCap_EvenConcurrently()
    {
        await using var app = await Server.StartAsync(new Dictionary<string, string?> { ["LATCHKEY_SESSION_MAX_CONNECTIONS"] = "3" });
        await app.CreateIntegrationAsync("fake-apikey");
        var token = await app.CreateSessionTokenAsync();

        var responses = await Task.WhenAll(Enumerable.Range(0, 20).Select(_ => SubmitAsync(app, $"connect_session_token={token}")));
        var another = await SubmitAsync(app, $"connect_session_token={await app.CreateSessionTokenAsync()}");

        Assert.Equal(3, responses.Count(r => r.StatusCode == HttpStatusCode.OK));
        var refused = responses.First(r => r.StatusCode != HttpStatusCode.OK);
        Assert.Equal((HttpStatusCode.BadRequest, "resource_capped"), (refused.StatusCode, await refused.ErrorCodeAsync()));
        Assert.Contains("connect session", (await refused.JsonAsync())["error"]!["message"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.OK, another.StatusCode);
        var list = await (await app.Backend.GetAsync("/connections", Server.Cancellation)).JsonAsync();
        Assert.Equal(4, list["connections"]!.AsArray().Count);
    }

    [Theory]
    [InlineData("0")]
    [InlineData("ten")]
    public async Task SessionCapSetting_Invalid_StopsStartUp(string value)
    {
        var failure = await Assert.ThrowsAnyAsync<Exception>(() => Server.StartAsync(new Dictionary<string, string?> { ["LATCHKEY_SESSION_MAX_CONNECTIONS"] = value }));

        Assert.Contains("LATCHKEY_SESSION_MAX_CONNECTIONS", failure.Message, StringComparison.Ordinal);
    }
}
