using System.Net;
using System.Text.Json.Nodes;

namespace Latchkey.Server.Tests.Logs;

public sealed class AuthLogTests
{
    [Fact]
    public async Task ApiKeySuccessAndFailure_AreLogged_WithStepsAndOutcome_NeverTheSecrets()
    {
        await using var app = await Server.StartAsync();
        await app.CreateIntegrationAsync("fake-apikey");
        const string wrongKey = "wrong_key_that_must_not_leak_91b2";
        var token = await app.CreateSessionTokenAsync();
        var refused = await app.Http.PostAsJsonAsync($"/api-auth/api-key/fake-apikey?connect_session_token={token}", new { apiKey = wrongKey }, Server.Cancellation);
        var connectionId = await app.ConnectApiKeyAsync("fake-apikey", token);

        var logs = await WaitForLogsAsync(app, "", 2);
        var failure = logs.Single(l => l!["outcome"]!.GetValue<string>() == "failure")!;
        var success = logs.Single(l => l!["outcome"]!.GetValue<string>() == "success")!;

        Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);
        Assert.Equal("api_key", success["kind"]!.GetValue<string>());
        Assert.Equal("fake-apikey", success["integration"]!.GetValue<string>());
        Assert.Equal(connectionId, success["connection_id"]!.GetValue<string>());
        Assert.Equal("connection_test_failed", failure["error_type"]!.GetValue<string>());
        Assert.Contains(success["steps"]!.AsArray(), s => s!["name"]!.GetValue<string>() == "verify credentials");
        Assert.True(success["duration_ms"]!.GetValue<int>() >= 0);

        // Neither the API response nor the database nor the server's own log lines hold a key that was used.
        var everything = logs.ToJsonString() + string.Join('\n', app.Logs.Lines)
            + DatabaseFilesText(app);
        foreach (var secret in new[] { wrongKey, FakeProvider.GoodApiKey, token, app.SecretKey })
        {
            Assert.DoesNotContain(secret, everything, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task GitHubAppInstallAndRefresh_AreLogged_NeverWithThePrivateKeyJwtOrInstallationTokens()
    {
        await using var app = await OAuth.GitHubAppTests.StartAsync();
        await OAuth.GitHubAppTests.AppIntegrationAsync(app);
        var connectionId = (await OAuth.GitHubAppTests.ConnectAsync(app, "fake-github-app"))["connection_id"]!.GetValue<string>();
        var firstJwt = app.Fake.LastAppJwt!;
        var read = await app.Backend.GetAsync($"/connections/{connectionId}?provider_config_key=fake-github-app&force_refresh=true", Server.Cancellation);

        var logs = await WaitForLogsAsync(app, "?integration=fake-github-app", 2);

        Assert.Equal(HttpStatusCode.OK, read.StatusCode);
        Assert.Contains(logs, l => l!["kind"]!.GetValue<string>() == "app" && l["outcome"]!.GetValue<string>() == "success");
        Assert.Contains(logs, l => l!["kind"]!.GetValue<string>() == "refresh" && l["outcome"]!.GetValue<string>() == "success");
        var everything = logs.ToJsonString() + string.Join('\n', app.Logs.Lines)
            + DatabaseFilesText(app);
        var privateKeyBody = app.Fake.GitHubAppPrivateKey.Split('\n')[1]; // a line of the key's base64, as it would appear anywhere
        foreach (var secret in app.Fake.IssuedSecrets.Concat([firstJwt, app.Fake.LastAppJwt!, privateKeyBody]))
        {
            Assert.DoesNotContain(secret, everything, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task McpFlowAndRefresh_AreLogged_NeverTheRegisteredSecretCodesOrTokens()
    {
        await using var app = await Server.StartAsync();
        app.Fake.McpTokenEndpointAuthMethod = "client_secret_basic";
        await app.CreateIntegrationAsync("fake-mcp");
        var (_, message) = await OAuth.McpFlowTests.ConnectAsync(app, "fake-mcp");
        var connectionId = message["connection_id"]!.GetValue<string>();
        var refreshed = await app.Backend.GetAsync($"/connections/{connectionId}?provider_config_key=fake-mcp&force_refresh=true", Server.Cancellation);

        var logs = await WaitForLogsAsync(app, "", 2);

        Assert.Equal(HttpStatusCode.OK, refreshed.StatusCode);
        Assert.Contains(logs, l => l!["kind"]!.GetValue<string>() == "refresh" && l["outcome"]!.GetValue<string>() == "success");
        var everything = logs.ToJsonString() + string.Join('\n', app.Logs.Lines)
            + DatabaseFilesText(app);
        var secrets = app.Fake.IssuedSecrets.Where(s => s.StartsWith('m')).ToArray(); // mcs_ client secret, mcode_, mat_, mrt_
        Assert.Contains(secrets, s => s.StartsWith("mcs_", StringComparison.Ordinal));
        Assert.True(secrets.Length >= 6, $"expected a client secret, a code and two token pairs, got {secrets.Length}");
        Assert.All(secrets, secret => Assert.DoesNotContain(secret, everything, StringComparison.Ordinal));
    }

    [Fact]
    public async Task BasicAuth_IsLogged_WithoutThePassword()
    {
        await using var app = await Server.StartAsync();
        await app.CreateIntegrationAsync("fake-basic");
        var token = await app.CreateSessionTokenAsync();
        var response = await app.Http.PostAsJsonAsync($"/api-auth/basic/fake-basic?connect_session_token={token}",
            new { username = FakeProvider.GoodUsername, password = FakeProvider.GoodPassword }, Server.Cancellation);

        var logs = await WaitForLogsAsync(app, "?integration=fake-basic", 1);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("basic", logs[0]!["kind"]!.GetValue<string>());
        Assert.DoesNotContain(FakeProvider.GoodPassword, logs.ToJsonString() + string.Join('\n', app.Logs.Lines), StringComparison.Ordinal);
    }

    [Fact]
    public async Task ClientKeysAndCertificates_NeverAppearInLogsOrTheDatabase()
    {
        await using var app = await Server.StartAsync();
        await app.CreateIntegrationAsync("fake-cc-mtls");
        await app.CreateIntegrationAsync("fake-cc-private-key-jwt");
        var (certificate, certificateKey) = app.Fake.GoodClientCertificate;
        var token = await app.CreateSessionTokenAsync();
        var mtls = await app.Http.PostAsJsonAsync($"/oauth2/auth/fake-cc-mtls?connect_session_token={token}",
            new { client_id = FakeProvider.ClientId, client_certificate = certificate, client_private_key = certificateKey }, Server.Cancellation);
        var signed = await app.Http.PostAsJsonAsync($"/oauth2/auth/fake-cc-private-key-jwt?connect_session_token={token}",
            new { client_id = FakeProvider.ClientId, client_private_key = app.Fake.ClientAssertionJwk }, Server.Cancellation);
        var assertion = app.Fake.LastTokenForm!["client_assertion"];
        var refused = await app.Http.PostAsJsonAsync($"/oauth2/auth/fake-cc-private-key-jwt?connect_session_token={token}",
            new { client_id = FakeProvider.ClientId, client_private_key = certificateKey }, Server.Cancellation);
        foreach (var (integration, response) in new[] { ("fake-cc-mtls", mtls), ("fake-cc-private-key-jwt", signed) })
        {
            var connectionId = (await response.JsonAsync())["connectionId"]!.GetValue<string>();
            await app.Http.EnsureSuccessAsync(await app.Backend.GetAsync($"/connections/{connectionId}?provider_config_key={integration}&force_refresh=true", Server.Cancellation));
        }

        var logs = await WaitForLogsAsync(app, "", 3);

        Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);
        var everything = logs.ToJsonString() + string.Join('\n', app.Logs.Lines) + await refused.Content.ReadAsStringAsync(Server.Cancellation)
            + DatabaseFilesText(app);
        var jwkPrivateExponent = JsonNode.Parse(app.Fake.ClientAssertionJwk)!["d"]!.GetValue<string>();
        foreach (var secret in new[] { certificateKey.Split('\n')[1], certificate.Split('\n')[1], jwkPrivateExponent, assertion, app.Fake.CurrentAccessTokenOrNull! })
        {
            Assert.DoesNotContain(secret, everything, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task Filters_SelectByOutcomeConnectionAndIntegration()
    {
        await using var app = await Server.StartAsync();
        await app.CreateIntegrationAsync("fake-apikey");
        await app.CreateIntegrationAsync("fake-apikey", "second");
        var token = await app.CreateSessionTokenAsync();
        await app.Http.PostAsJsonAsync($"/api-auth/api-key/fake-apikey?connect_session_token={token}", new { apiKey = "nope" }, Server.Cancellation);
        var connectionId = await app.ConnectApiKeyAsync("fake-apikey", token);
        await app.ConnectApiKeyAsync("second", token);
        await WaitForLogsAsync(app, "", 3);

        var failures = await ListAsync(app, "?outcome=failure");
        var byConnection = await ListAsync(app, $"?connection_id={connectionId}");
        var bySecond = await ListAsync(app, "?integration=second");
        var page = await app.Backend.GetAsync("/logs?limit=2", Server.Cancellation);
        var pageJson = await page.JsonAsync();
        var rest = await ListAsync(app, $"?limit=2&cursor={pageJson["next_cursor"]!.GetValue<string>()}");

        Assert.Single(failures);
        Assert.Single(byConnection);
        Assert.Single(bySecond);
        Assert.Equal(2, pageJson["data"]!.AsArray().Count);
        Assert.Single(rest);
    }

    [Theory]
    [InlineData("?outcome=maybe")]
    [InlineData("?limit=0")]
    [InlineData("?limit=abc")]
    [InlineData("?cursor=x")]
    [InlineData("?surprise=1")]
    public async Task List_BadQuery_IsRefusedWithTheEnvelope(string query)
    {
        await using var app = await Server.StartAsync();

        var response = await app.Backend.GetAsync("/logs" + query, Server.Cancellation);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("invalid_query_params", await response.ErrorCodeAsync());
    }

    [Fact]
    public async Task Logs_NeedTheSecretKey_AndStayInTheirEnvironment()
    {
        await using var app = await Server.StartAsync();
        await app.CreateIntegrationAsync("fake-apikey");
        await app.ConnectApiKeyAsync("fake-apikey", await app.CreateSessionTokenAsync());
        await WaitForLogsAsync(app, "", 1);
        using var prod = new HttpClient { BaseAddress = new Uri(app.BaseUrl) };
        prod.DefaultRequestHeaders.Authorization = new("Bearer", app.ProdSecretKey);

        var anonymous = await app.Http.GetAsync("/logs", Server.Cancellation);
        var prodLogs = await (await prod.GetAsync("/logs", Server.Cancellation)).JsonAsync();

        Assert.Equal(HttpStatusCode.Unauthorized, anonymous.StatusCode);
        Assert.Empty(prodLogs["data"]!.AsArray());
    }

    private static async Task<JsonArray> ListAsync(TestApp app, string query)
    {
        var response = await app.Backend.GetAsync("/logs" + query, Server.Cancellation);
        await app.Http.EnsureSuccessAsync(response);
        return (await response.JsonAsync())["data"]!.AsArray();
    }

    // Logs are written off the request path: wait for the background writer.
    private static async Task<JsonArray> WaitForLogsAsync(TestApp app, string query, int count)
    {
        for (var i = 0; i < 100; i++)
        {
            var logs = await ListAsync(app, query);
            if (logs.Count >= count)
            {
                return logs;
            }

            await Task.Delay(50, Server.Cancellation);
        }

        throw new TimeoutException($"Expected {count} log entries.");
    }

    // The WAL file may vanish between listing and reading (SQLite removes it when the last connection closes).
    private static string DatabaseFilesText(TestApp app) => string.Concat(Directory.GetFiles(app.DataDirectory, "latchkey.db*").Select(file =>
    {
        try
        {
            return File.ReadAllText(file);
        }
        catch (FileNotFoundException)
        {
            return "";
        }
    }));
}
