using System.Net;
using Microsoft.AspNetCore.WebUtilities;

namespace Latchkey.Server.Tests.Logs;

/// <summary>
/// No URL that can carry a token or a flow's state reaches a log line, however the server was started: here from a
/// folder of its own (so no appsettings.json is loaded) with every category at Debug, and with a configuration that
/// asks for the URL-printing categories at Trace.
/// </summary>
public sealed class LogRedactionTests
{
    public static TheoryData<bool> Configurations => [false, true];

    [Theory]
    [MemberData(nameof(Configurations))]
    public async Task SessionTokensStatesCodesAndHmacs_NeverReachTheLog_FromAForeignWorkingDirectory(bool configurationAsksForUrls)
    {
        var foreign = Directory.CreateTempSubdirectory("latchkey-foreign-cwd-");
        try
        {
            var output = TestContext.Current.TestOutputHelper;
            var settings = configurationAsksForUrls
                ? new Dictionary<string, string?>
                {
                    ["Logging:LogLevel:Default"] = "Trace",
                    ["Logging:LogLevel:Microsoft.AspNetCore"] = "Trace",
                    ["Logging:LogLevel:Microsoft.AspNetCore.Hosting.Diagnostics"] = "Trace",
                    ["Logging:LogLevel:Microsoft.AspNetCore.Http.Result"] = "Trace",
                    ["Logging:LogLevel:System.Net.Http.HttpClient"] = "Trace",
                }
                : new Dictionary<string, string?>
                {
                    // Every category at Debug, past the defaults the server keeps in code.
                    ["Logging:LogLevel:Default"] = "Debug",
                    ["Logging:LogLevel:Microsoft.AspNetCore"] = "Debug",
                    ["Logging:LogLevel:System.Net.Http.HttpClient"] = "Debug",
                };
            await using var app = await TestApp.StartAsync(settings, echo: output is null ? null : output.WriteLine, contentRoot: foreign.FullName);
            Assert.Equal(foreign.FullName, app.Services.GetRequiredService<IHostEnvironment>().ContentRootPath.TrimEnd('/'));

            await app.CreateIntegrationAsync("fake-oauth2", credentials: new { type = "OAUTH2", client_id = FakeProvider.ClientId, client_secret = FakeProvider.ClientSecret });
            await app.CreateIntegrationAsync("fake-apikey");
            var sessionToken = await app.CreateSessionTokenAsync();
            var hmac = "hmac_value_" + Guid.NewGuid().ToString("N");

            using var browser = new OAuthBrowser();
            var connectUi = await browser.GetAsync($"{app.BaseUrl}/connect-ui?session_token={sessionToken}");
            await browser.GetAsync($"{app.BaseUrl}/connect-ui/?session_token={sessionToken}");
            var callback = await browser.ReachCallbackAsync($"{app.BaseUrl}/oauth/connect/fake-oauth2?connect_session_token={sessionToken}");
            await browser.GetAsync(callback);
            await browser.GetAsync(callback); // a replay, refused, logs its refusal
            await browser.GetAsync($"{app.BaseUrl}/oauth/connect/fake-oauth2?connect_session_token={sessionToken}&hmac={hmac}");
            await app.ConnectApiKeyAsync("fake-apikey", sessionToken);
            await app.Http.PostAsJsonAsync($"/api-auth/api-key/fake-apikey?connect_session_token={sessionToken}", new { apiKey = "wrong" }, Server.Cancellation);

            Assert.Equal(HttpStatusCode.Redirect, connectUi.StatusCode);
            var callbackQuery = QueryHelpers.ParseQuery(new Uri(callback).Query);
            var state = callbackQuery["state"].ToString();
            var code = callbackQuery["code"].ToString();
            Assert.True(state.Length >= 43 && code.Length > 0);
            // The log was listening below Information (the framework logs routing and the like there).
            Assert.Contains(app.Logs.Lines, line => line.StartsWith("Debug", StringComparison.Ordinal) || line.StartsWith("Trace", StringComparison.Ordinal));
            foreach (var secret in new[] { sessionToken, state, code, hmac, app.SecretKey, FakeProvider.ClientSecret }.Concat(app.Fake.IssuedSecrets))
            {
                Assert.DoesNotContain(app.Logs.Lines, line => line.Contains(secret, StringComparison.Ordinal));
            }
        }
        finally
        {
            foreign.Delete(recursive: true);
        }
    }
}
