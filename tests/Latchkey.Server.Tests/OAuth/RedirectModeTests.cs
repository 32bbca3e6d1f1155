using System.Net;
using Microsoft.AspNetCore.WebUtilities;

namespace Latchkey.Server.Tests.OAuth;

/// <summary>
/// Redirect mode (issue 19): <c>/oauth/connect</c> with <c>return_to</c>, no popup and no WebSocket. The address is
/// checked against the Connect UI's origin and the environment's allowed origins before anything starts; the callback
/// answers 303 to it with the outcome, still only for the browser that started the flow, and only once.
/// </summary>
public sealed class RedirectModeTests
{
    private const string AppOrigin = "https://app.example.com";

    private static async Task<string> OAuthIntegrationAsync(TestApp app, string provider = "fake-oauth2") =>
        await app.CreateIntegrationAsync(provider, credentials: new { type = provider == "fake-oauth1" ? "OAUTH1" : "OAUTH2", client_id = FakeProvider.ClientId, client_secret = FakeProvider.ClientSecret, scopes = "read" });

    private static string ConnectUrl(TestApp app, string token, string returnTo, string provider = "fake-oauth2") =>
        $"{app.BaseUrl}/oauth/connect/{provider}?connect_session_token={token}&return_to={Uri.EscapeDataString(returnTo)}";

    private static Dictionary<string, string> OutcomeOf(HttpResponseMessage response, string returnTo)
    {
        Assert.Equal(HttpStatusCode.SeeOther, response.StatusCode);
        var location = response.Headers.Location!.ToString();
        Assert.StartsWith(returnTo + (returnTo.Contains('?', StringComparison.Ordinal) ? "&" : "?"), location, StringComparison.Ordinal);
        return QueryHelpers.ParseQuery(new Uri(location).Query).ToDictionary(p => p.Key, p => p.Value.ToString());
    }

    private static async Task<int> ConnectionCountAsync(TestApp app) =>
        (await (await app.Backend.GetAsync("/connections", Server.Cancellation)).JsonAsync())["connections"]!.AsArray().Count;

    [Theory]
    [InlineData("fake-oauth2")]
    [InlineData("fake-oauth1")]
    public async Task ReturnToTheConnectUi_CallbackSendsTheBrowserBack_WithTheConnection(string provider)
    {
        await using var app = await Server.StartAsync();
        await OAuthIntegrationAsync(app, provider);
        var returnTo = $"{app.BaseUrl}/connect-ui/?apiURL={Uri.EscapeDataString(app.BaseUrl)}&integration={provider}";
        using var browser = new OAuthBrowser();

        var answer = await browser.CompleteAsync(ConnectUrl(app, await app.CreateSessionTokenAsync(), returnTo, provider));

        var outcome = OutcomeOf(answer, returnTo);
        Assert.Equal("success", outcome["latchkey_result"]);
        Assert.Equal(provider, outcome["provider_config_key"]);
        Assert.DoesNotContain("code", outcome.Keys);
        Assert.DoesNotContain("state", outcome.Keys);
        var connection = await (await app.Backend.GetAsync($"/connections/{outcome["connection_id"]}?provider_config_key={provider}", Server.Cancellation)).JsonAsync();
        Assert.Equal(provider == "fake-oauth1" ? "OAUTH1" : "OAUTH2", connection["credentials"]!["type"]!.GetValue<string>());
        Assert.DoesNotContain(app.Fake.CurrentAccessTokenOrNull ?? "no token", answer.Headers.Location!.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task ReturnToAnAllowedOriginOfTheEnvironment_StartsTheFlow()
    {
        await using var app = await Server.StartAsync();
        await OAuthIntegrationAsync(app);
        (await app.Backend.PatchAsJsonAsync("/environment", new { allowed_origins = new[] { AppOrigin } }, Server.Cancellation)).EnsureSuccessStatusCode();
        using var browser = new OAuthBrowser();

        var answer = await browser.CompleteAsync(ConnectUrl(app, await app.CreateSessionTokenAsync(), AppOrigin + "/integrations#done"));

        Assert.Equal(HttpStatusCode.SeeOther, answer.StatusCode);
        var location = answer.Headers.Location!.ToString();
        Assert.StartsWith(AppOrigin + "/integrations?latchkey_result=success&connection_id=", location, StringComparison.Ordinal);
        Assert.EndsWith("#done", location, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("https://evil.example.net/collect")]
    [InlineData("https://app.example.com.evil.example.net/")]
    [InlineData("http://app.example.com/")]
    [InlineData("https://user:pass@app.example.com/")]
    [InlineData("javascript:alert(1)")]
    [InlineData("/relative/path")]
    [InlineData("{server}/connect-ui/?session_token=nango_connect_session_0123")]
    public async Task ReturnToOutsideTheAllowedOrigins_IsRefusedAsJson_BeforeTheProvider(string returnTo)
    {
        await using var app = await Server.StartAsync();
        await OAuthIntegrationAsync(app);
        (await app.Backend.PatchAsJsonAsync("/environment", new { allowed_origins = new[] { AppOrigin } }, Server.Cancellation)).EnsureSuccessStatusCode();
        using var browser = new OAuthBrowser();

        var answer = await browser.GetAsync(ConnectUrl(app, await app.CreateSessionTokenAsync(), returnTo.Replace("{server}", app.BaseUrl, StringComparison.Ordinal)));

        Assert.Equal(HttpStatusCode.BadRequest, answer.StatusCode);
        Assert.Equal("application/json", answer.Content.Headers.ContentType?.MediaType);
        var error = (await answer.JsonAsync())["error"]!;
        Assert.Equal("invalid_query_params", error["code"]!.GetValue<string>());
        Assert.Contains("return_to", error["message"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Equal("return_to", error["errors"]![0]!["path"]![0]!.GetValue<string>());
        Assert.Null(app.Fake.LastAuthorizeQuery);
        Assert.Empty(browser.Cookies.GetAllCookies());
    }

    [Fact]
    public async Task CallbackWithoutTheStateCookie_ReturnsAnErrorOutcome_AndSavesNothing()
    {
        await using var app = await Server.StartAsync();
        await OAuthIntegrationAsync(app);
        var returnTo = $"{app.BaseUrl}/connect-ui/";
        using var starter = new OAuthBrowser();
        var callback = await starter.ReachCallbackAsync(ConnectUrl(app, await app.CreateSessionTokenAsync(), returnTo));
        using var other = new OAuthBrowser();

        var outcome = OutcomeOf(await other.GetAsync(callback), returnTo);

        Assert.Equal("error", outcome["latchkey_result"]);
        Assert.Equal("state_cookie_err", outcome["error_type"]);
        Assert.Contains("another browser", outcome["error_message"], StringComparison.Ordinal);
        Assert.Equal(0, app.Fake.CodeExchanges);
        Assert.Equal(0, await ConnectionCountAsync(app));
    }

    [Fact]
    public async Task ReplayedCallback_Fails_WithoutASecondConnection()
    {
        await using var app = await Server.StartAsync();
        await OAuthIntegrationAsync(app);
        var returnTo = $"{app.BaseUrl}/connect-ui/";
        using var browser = new OAuthBrowser();
        var callback = await browser.ReachCallbackAsync(ConnectUrl(app, await app.CreateSessionTokenAsync(), returnTo));

        var first = OutcomeOf(await browser.GetAsync(callback), returnTo);
        var replay = await browser.GetAsync(callback);

        Assert.Equal("success", first["latchkey_result"]);
        Assert.Equal(HttpStatusCode.BadRequest, replay.StatusCode);
        Assert.Contains("state_err", await replay.Content.ReadAsStringAsync(Server.Cancellation), StringComparison.Ordinal);
        Assert.Equal(1, app.Fake.CodeExchanges);
        Assert.Equal(1, await ConnectionCountAsync(app));
    }

    [Fact]
    public async Task DeniedConsent_ReturnsTheErrorType()
    {
        await using var app = await Server.StartAsync();
        await OAuthIntegrationAsync(app);
        app.Fake.DenyConsent = true;
        var returnTo = $"{app.BaseUrl}/connect-ui/";
        using var browser = new OAuthBrowser();

        var outcome = OutcomeOf(await browser.CompleteAsync(ConnectUrl(app, await app.CreateSessionTokenAsync(), returnTo)), returnTo);

        Assert.Equal("error", outcome["latchkey_result"]);
        Assert.Equal("callback_err", outcome["error_type"]);
        Assert.Contains("access_denied", outcome["error_message"], StringComparison.Ordinal);
    }

    [Fact]
    public async Task FlowThatCannotStart_ReturnsTheErrorType_InsteadOfTheResultPage()
    {
        await using var app = await Server.StartAsync();
        var returnTo = $"{app.BaseUrl}/connect-ui/";
        using var browser = new OAuthBrowser();

        var outcome = OutcomeOf(await browser.GetAsync(ConnectUrl(app, await app.CreateSessionTokenAsync(), returnTo, "no-such-integration")), returnTo);

        Assert.Equal("error", outcome["latchkey_result"]);
        Assert.Equal("provider_config_err", outcome["error_type"]);
        Assert.Null(app.Fake.LastAuthorizeQuery);
    }
}
