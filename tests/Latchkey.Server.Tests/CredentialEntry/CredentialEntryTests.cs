using System.Net;
using System.Text;

namespace Latchkey.Server.Tests.CredentialEntry;

public sealed class CredentialEntryTests
{
    [Fact]
    public async Task ApiKey_Good_IsVerifiedSavedAndReadable()
    {
        await using var app = await Server.StartAsync();
        await app.CreateIntegrationAsync("fake-apikey");
        var token = await app.CreateSessionTokenAsync(new { end_user = new { id = "u_42" }, tags = new { plan = "pro" } });

        var response = await app.Http.PostAsJsonAsync($"/api-auth/api-key/fake-apikey?connect_session_token={token}", new { apiKey = FakeProvider.GoodApiKey }, Server.Cancellation);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var body = await response.JsonAsync();
        var connectionId = body["connectionId"]!.GetValue<string>();
        Assert.True(Guid.TryParse(connectionId, out _));
        Assert.Equal("fake-apikey", body["providerConfigKey"]!.GetValue<string>());
        Assert.Equal(1, app.Fake.VerificationCalls);
        Assert.Equal($"Bearer {FakeProvider.GoodApiKey}", app.Fake.LastVerification!.Value.Authorization);

        var connection = await (await app.Backend.GetAsync($"/connections/{connectionId}?provider_config_key=fake-apikey", Server.Cancellation)).JsonAsync();
        Assert.Equal("API_KEY", connection["credentials"]!["type"]!.GetValue<string>());
        Assert.Equal(FakeProvider.GoodApiKey, connection["credentials"]!["apiKey"]!.GetValue<string>());
        Assert.Equal("u_42", connection["tags"]!["end_user_id"]!.GetValue<string>());
        Assert.Equal("pro", connection["tags"]!["plan"]!.GetValue<string>());
        Assert.Equal("u_42", connection["end_user"]!["id"]!.GetValue<string>());
    }

    [Fact]
    public async Task ApiKey_Bad_IsConnectionTestFailed_AndNothingIsSaved()
    {
        await using var app = await Server.StartAsync();
        await app.CreateIntegrationAsync("fake-apikey");
        var token = await app.CreateSessionTokenAsync();

        var response = await app.Http.PostAsJsonAsync($"/api-auth/api-key/fake-apikey?connect_session_token={token}", new { apiKey = "wrong" }, Server.Cancellation);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("connection_test_failed", await response.ErrorCodeAsync());
        Assert.Equal("""{"connections":[]}""", await (await app.Backend.GetAsync("/connections", Server.Cancellation)).Content.ReadAsStringAsync(Server.Cancellation));
    }

    [Fact]
    public async Task Basic_GoodAndBadPasswords()
    {
        await using var app = await Server.StartAsync();
        await app.CreateIntegrationAsync("fake-basic");
        var token = await app.CreateSessionTokenAsync();

        var good = await app.Http.PostAsJsonAsync($"/api-auth/basic/fake-basic?connect_session_token={token}", new { username = FakeProvider.GoodUsername, password = FakeProvider.GoodPassword }, Server.Cancellation);
        var bad = await app.Http.PostAsJsonAsync($"/api-auth/basic/fake-basic?connect_session_token={token}", new { username = FakeProvider.GoodUsername, password = "" }, Server.Cancellation);
        var missingKey = await app.Http.PostAsJsonAsync($"/api-auth/basic/fake-basic?connect_session_token={token}", new { username = "x" }, Server.Cancellation);

        Assert.Equal(HttpStatusCode.OK, good.StatusCode);
        Assert.Equal("connection_test_failed", await bad.ErrorCodeAsync());
        Assert.Equal("invalid_body", await missingKey.ErrorCodeAsync());
        var connectionId = (await good.JsonAsync())["connectionId"]!.GetValue<string>();
        var credentials = (await (await app.Backend.GetAsync($"/connections/{connectionId}?provider_config_key=fake-basic", Server.Cancellation)).JsonAsync())["credentials"]!;
        Assert.Equal("BASIC", credentials["type"]!.GetValue<string>());
        Assert.Equal(FakeProvider.GoodPassword, credentials["password"]!.GetValue<string>());
    }

    [Fact]
    public async Task ConnectionConfig_IsRequired_Validated_AndUsedForVerification()
    {
        await using var app = await Server.StartAsync();
        await app.CreateIntegrationAsync("fake-region");
        var token = await app.CreateSessionTokenAsync();
        var url = $"/api-auth/api-key/fake-region?connect_session_token={token}";

        var missing = await app.Http.PostAsJsonAsync(url, new { apiKey = FakeProvider.GoodApiKey }, Server.Cancellation);
        var notInEnum = await app.Http.PostAsJsonAsync(url + "&params[region]=mars", new { apiKey = FakeProvider.GoodApiKey }, Server.Cancellation);
        var encoded = await app.Http.PostAsJsonAsync(url + "&params%5Bregion%5D=eu", new { apiKey = FakeProvider.GoodApiKey }, Server.Cancellation);

        Assert.Equal("invalid_query_params", await missing.ErrorCodeAsync());
        Assert.Equal("invalid_query_params", await notInEnum.ErrorCodeAsync());
        Assert.Equal(HttpStatusCode.OK, encoded.StatusCode);
        Assert.Equal("/eu/api/me", app.Fake.LastVerification!.Value.Path);
        var connectionId = (await encoded.JsonAsync())["connectionId"]!.GetValue<string>();
        var connection = await (await app.Backend.GetAsync($"/connections/{connectionId}?provider_config_key=fake-region", Server.Cancellation)).JsonAsync();
        Assert.Equal("eu", connection["connection_config"]!["region"]!.GetValue<string>());
    }

    [Fact]
    public async Task SessionDefaults_WinOverEndUserParams()
    {
        await using var app = await Server.StartAsync();
        await app.CreateIntegrationAsync("fake-region");
        var token = await app.CreateSessionTokenAsync(new
        {
            tags = new { end_user_id = "u" },
            integrations_config_defaults = new Dictionary<string, object> { ["fake-region"] = new { connection_config = new { region = "us" } } },
        });

        var response = await app.Http.PostAsJsonAsync($"/api-auth/api-key/fake-region?connect_session_token={token}&params[region]=eu", new { apiKey = FakeProvider.GoodApiKey }, Server.Cancellation);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("/us/api/me", app.Fake.LastVerification!.Value.Path);
    }

    [Fact]
    public async Task NotAllowedIntegration_WrongMode_UnknownIntegration_AndChosenConnectionId_AreRefused()
    {
        await using var app = await Server.StartAsync();
        await app.CreateIntegrationAsync("fake-apikey");
        await app.CreateIntegrationAsync("fake-basic");
        var token = await app.CreateSessionTokenAsync(new { tags = new { end_user_id = "u" }, allowed_integrations = new[] { "fake-basic" } });
        var open = await app.CreateSessionTokenAsync();
        var body = new { apiKey = FakeProvider.GoodApiKey };

        var notAllowed = await app.Http.PostAsJsonAsync($"/api-auth/api-key/fake-apikey?connect_session_token={token}", body, Server.Cancellation);
        var wrongMode = await app.Http.PostAsJsonAsync($"/api-auth/api-key/fake-basic?connect_session_token={open}", body, Server.Cancellation);
        var unknown = await app.Http.PostAsJsonAsync($"/api-auth/api-key/nope?connect_session_token={open}", body, Server.Cancellation);
        var chosenId = await app.Http.PostAsJsonAsync($"/api-auth/api-key/fake-apikey?connect_session_token={open}&connection_id=mine", body, Server.Cancellation);

        Assert.Equal((HttpStatusCode.BadRequest, "integration_not_allowed"), (notAllowed.StatusCode, await notAllowed.ErrorCodeAsync()));
        Assert.Equal((HttpStatusCode.BadRequest, "invalid_auth_mode"), (wrongMode.StatusCode, await wrongMode.ErrorCodeAsync()));
        Assert.Equal((HttpStatusCode.NotFound, "unknown_provider_config"), (unknown.StatusCode, await unknown.ErrorCodeAsync()));
        Assert.Equal((HttpStatusCode.BadRequest, "invalid_query_params"), (chosenId.StatusCode, await chosenId.ErrorCodeAsync()));
        Assert.Equal(0, app.Fake.VerificationCalls);
    }

    [Fact]
    public async Task ValidationErrors_CarryTheirWordsInTheEnvelopeMessage_ForTheBrowserSdks()
    {
        await using var app = await Server.StartAsync();
        await app.CreateIntegrationAsync("fake-apikey");
        var token = await app.CreateSessionTokenAsync();

        var chosenId = await app.Http.PostAsJsonAsync($"/api-auth/api-key/fake-apikey?connect_session_token={token}&connection_id=mine", new { apiKey = "k" }, Server.Cancellation);
        var badBody = await app.Http.PostAsync($"/api-auth/api-key/fake-apikey?connect_session_token={token}",
            new StringContent("""{"apiKey":"","type":"API_KEY"}""", Encoding.UTF8, "application/json"), Server.Cancellation);

        var chosenError = (await chosenId.JsonAsync())["error"]!;
        Assert.Equal("connection_id cannot be chosen with a connect session token.", chosenError["message"]!.GetValue<string>());
        Assert.Single(chosenError["errors"]!.AsArray());
        var badError = (await badBody.JsonAsync())["error"]!;
        Assert.Equal("invalid_body", badError["code"]!.GetValue<string>());
        Assert.Equal(badError["errors"]!.AsArray().Count, badError["message"]!.GetValue<string>().Split(". ").Length);
        Assert.Contains("apiKey: must not be empty.", badError["message"]!.GetValue<string>(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("", "missing_public_key")]
    [InlineData("?connect_session_token=nango_connect_session_nope", "invalid_connect_session_token_format")]
    [InlineData("?connect_session_token=nango_connect_session_0000000000000000000000000000000000000000000000000000000000000000", "unknown_connect_session_token")]
    [InlineData("?public_key=5a3c7f1e-2b4d-4e6f-8a9b-0c1d2e3f4a5b", "deprecated_authentication")]
    public async Task Authentication_Failures_Are401WithTheSpecCode(string query, string code)
    {
        await using var app = await Server.StartAsync();
        await app.CreateIntegrationAsync("fake-apikey");

        var response = await app.Http.PostAsJsonAsync($"/api-auth/api-key/fake-apikey{query}", new { apiKey = "x" }, Server.Cancellation);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal(code, await response.ErrorCodeAsync());
    }

    [Theory]
    [InlineData("""{"apiKey":""}""")]
    [InlineData("""{"apiKey":42}""")]
    [InlineData("""{"apiKey":"k","type":"API_KEY"}""")]
    [InlineData("""{}""")]
    [InlineData("""not json""")]
    public async Task ApiKey_BadBodies_AreClear400s(string body)
    {
        await using var app = await Server.StartAsync();
        await app.CreateIntegrationAsync("fake-apikey");
        var token = await app.CreateSessionTokenAsync();

        var response = await app.Http.PostAsync($"/api-auth/api-key/fake-apikey?connect_session_token={token}", new StringContent(body, Encoding.UTF8, "application/json"), Server.Cancellation);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains(await response.ErrorCodeAsync(), new[] { "invalid_body", "invalid_json" });
    }

    [Fact]
    public async Task ReconnectSession_UpdatesTheSameConnection_AndKeepsItsTags()
    {
        await using var app = await Server.StartAsync();
        await app.CreateIntegrationAsync("fake-apikey");
        var connectionId = await app.ConnectApiKeyAsync("fake-apikey", await app.CreateSessionTokenAsync(new { tags = new { end_user_id = "u9", team = "red" } }));
        var reconnect = await app.Backend.PostAsJsonAsync("/connect/sessions/reconnect", new { connection_id = connectionId, integration_id = "fake-apikey" }, Server.Cancellation);
        var token = (await reconnect.JsonAsync())["data"]!["token"]!.GetValue<string>();

        var again = await app.ConnectApiKeyAsync("fake-apikey", token);
        var list = await (await app.Backend.GetAsync("/connections", Server.Cancellation)).JsonAsync();

        Assert.Equal(connectionId, again);
        Assert.Single(list["connections"]!.AsArray());
        Assert.Equal("red", list["connections"]![0]!["tags"]!["team"]!.GetValue<string>());
    }

    [Fact]
    public async Task ReconnectSession_WhenTheConnectionWasDeleted_IsInvalidConnection()
    {
        await using var app = await Server.StartAsync();
        await app.CreateIntegrationAsync("fake-apikey");
        var connectionId = await app.ConnectApiKeyAsync("fake-apikey", await app.CreateSessionTokenAsync());
        var reconnect = await app.Backend.PostAsJsonAsync("/connect/sessions/reconnect", new { connection_id = connectionId, integration_id = "fake-apikey" }, Server.Cancellation);
        var token = (await reconnect.JsonAsync())["data"]!["token"]!.GetValue<string>();
        await app.Backend.DeleteAsync($"/connections/{connectionId}?provider_config_key=fake-apikey", Server.Cancellation);

        var response = await app.Http.PostAsJsonAsync($"/api-auth/api-key/fake-apikey?connect_session_token={token}", new { apiKey = FakeProvider.GoodApiKey }, Server.Cancellation);

        Assert.Equal("invalid_connection", await response.ErrorCodeAsync());
    }

    [Fact]
    public async Task ConnectionLimit_RefusesANewConnection_ButNotAReconnect()
    {
        await using var app = await Server.StartAsync(new Dictionary<string, string?> { ["LATCHKEY_CONNECTION_LIMIT"] = "1" });
        await app.CreateIntegrationAsync("fake-apikey");
        var token = await app.CreateSessionTokenAsync();
        var connectionId = await app.ConnectApiKeyAsync("fake-apikey", token);
        var reconnect = await app.Backend.PostAsJsonAsync("/connect/sessions/reconnect", new { connection_id = connectionId, integration_id = "fake-apikey" }, Server.Cancellation);
        var reconnectToken = (await reconnect.JsonAsync())["data"]!["token"]!.GetValue<string>();

        var second = await app.Http.PostAsJsonAsync($"/api-auth/api-key/fake-apikey?connect_session_token={token}", new { apiKey = FakeProvider.GoodApiKey }, Server.Cancellation);
        var reauthorised = await app.Http.PostAsJsonAsync($"/api-auth/api-key/fake-apikey?connect_session_token={reconnectToken}", new { apiKey = FakeProvider.GoodApiKey }, Server.Cancellation);

        Assert.Equal("resource_capped", await second.ErrorCodeAsync());
        Assert.Equal(HttpStatusCode.OK, reauthorised.StatusCode);
    }

    [Fact]
    public async Task PublicKey_WhenEnabled_MayChooseTheConnectionId()
    {
        await using var app = await Server.StartAsync(new Dictionary<string, string?> { ["LATCHKEY_PUBLIC_KEY_AUTH"] = "true" });
        await app.CreateIntegrationAsync("fake-apikey");
        var publicKey = await PublicKeyAsync(app);

        var response = await app.Http.PostAsJsonAsync($"/api-auth/api-key/fake-apikey?public_key={publicKey}&connection_id=acct-7", new { apiKey = FakeProvider.GoodApiKey }, Server.Cancellation);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("acct-7", (await response.JsonAsync())["connectionId"]!.GetValue<string>());
    }

    [Fact]
    public async Task Unauthenticated_CreatesACredentialLessConnection()
    {
        await using var app = await Server.StartAsync();
        await app.CreateIntegrationAsync("fake-none");
        var token = await app.CreateSessionTokenAsync();

        var response = await app.Http.PostAsync($"/auth/unauthenticated/fake-none?connect_session_token={token}", null, Server.Cancellation);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var connectionId = (await response.JsonAsync())["connectionId"]!.GetValue<string>();
        var connection = await (await app.Backend.GetAsync($"/connections/{connectionId}?provider_config_key=fake-none", Server.Cancellation)).JsonAsync();
        Assert.Equal("{}", connection["credentials"]!.ToJsonString());
    }

    [Fact]
    public async Task Verification_AgainstAPrivateAddress_IsRefusedByTheOutboundGuard_AsAProviderNotReached()
    {
        await using var app = await Server.StartAsync(new Dictionary<string, string?> { ["LATCHKEY_OUTBOUND_ALLOW"] = "" });
        await app.CreateIntegrationAsync("fake-apikey");
        var token = await app.CreateSessionTokenAsync();

        var response = await app.Http.PostAsJsonAsync($"/api-auth/api-key/fake-apikey?connect_session_token={token}", new { apiKey = FakeProvider.GoodApiKey }, Server.Cancellation);

        // The key was never shown to the provider: no verdict, so not a refusal of the key.
        Assert.Equal("provider_unreachable", await response.ErrorCodeAsync());
        Assert.Equal(0, app.Fake.VerificationCalls);
        Assert.Contains(app.Logs.Lines, line => line.Contains("Refused to connect to 127.0.0.1", StringComparison.Ordinal));
    }

    [Fact]
    public async Task NoSecretAppearsInAnyLogLine()
    {
        await using var app = await Server.StartAsync();
        await app.CreateIntegrationAsync("fake-apikey");
        var token = await app.CreateSessionTokenAsync();
        await app.ConnectApiKeyAsync("fake-apikey", token);
        await app.Http.PostAsJsonAsync($"/api-auth/api-key/fake-apikey?connect_session_token={token}", new { apiKey = "bad-key-must-not-log" }, Server.Cancellation);

        foreach (var secret in new[] { FakeProvider.GoodApiKey, "bad-key-must-not-log", token, app.SecretKey })
        {
            Assert.DoesNotContain(app.Logs.Lines, line => line.Contains(secret, StringComparison.Ordinal));
        }

        Assert.NotEmpty(app.Logs.Lines);
    }

    private static async Task<string> PublicKeyAsync(TestApp app)
    {
        var store = app.Services.GetRequiredService<Latchkey.Server.Environments.EnvironmentStore>();
        return (await store.FindBySecretKeyAsync(app.SecretKey, Server.Cancellation))!.PublicKey;
    }
}
