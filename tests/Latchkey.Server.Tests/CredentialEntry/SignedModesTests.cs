using System.Net;

namespace Latchkey.Server.Tests.CredentialEntry;

/// <summary>
/// TBA, BILL and SIGNATURE through the SDK's endpoints (spec §4.4) against the fake provider, which checks each
/// request's signature or session itself: saved credentials, what <c>GET /connections/:id</c> returns, refresh.
/// </summary>
public sealed class SignedModesTests
{
    private static readonly object TbaIntegration = new { type = "TBA", client_id = FakeProvider.ClientId, client_secret = FakeProvider.ClientSecret };

    private static async Task<HttpResponseMessage> PostAsync(TestApp app, string path, object body, string query = "") =>
        await app.Http.PostAsJsonAsync($"{path}?connect_session_token={await app.CreateSessionTokenAsync()}{query}", body, Server.Cancellation);

    private static async Task<System.Text.Json.Nodes.JsonObject> ReadAsync(TestApp app, string key, string connectionId, bool force = false) =>
        await (await app.Backend.GetAsync($"/connections/{connectionId}?provider_config_key={key}{(force ? "&force_refresh=true" : "")}", Server.Cancellation)).JsonAsync();

    [Fact]
    public async Task Tba_TokenIsVerifiedWithASignedRequest_AndSavedWithoutTheConsumerSecret()
    {
        await using var app = await Server.StartAsync();
        await app.CreateIntegrationAsync("fake-tba", credentials: TbaIntegration);

        var submitted = await PostAsync(app, "/auth/tba/fake-tba", new { token_id = FakeProvider.TbaTokenId, token_secret = FakeProvider.TbaTokenSecret }, "&params[accountId]=1234567-sb1");
        var connectionId = (await submitted.JsonAsync())["connectionId"]!.GetValue<string>();
        var read = await ReadAsync(app, "fake-tba", connectionId);

        Assert.Equal(HttpStatusCode.OK, submitted.StatusCode);
        Assert.Equal("1234567_SB1", app.Fake.LastTbaRealm);
        var credentials = read["credentials"]!.AsObject();
        Assert.Equal(("TBA", FakeProvider.TbaTokenId, FakeProvider.TbaTokenSecret),
            (credentials["type"]!.GetValue<string>(), credentials["token_id"]!.GetValue<string>(), credentials["token_secret"]!.GetValue<string>()));
        Assert.False(credentials.ContainsKey("config_override"));
        Assert.Equal("1234567-sb1", read["connection_config"]!["accountId"]!.GetValue<string>());
    }

    [Fact]
    public async Task Tba_WithTheEndUsersOwnConsumerKeys_SignsWithThem_AndStoresThemAsConfigOverride()
    {
        await using var app = await Server.StartAsync();
        await app.CreateIntegrationAsync("fake-tba", credentials: new { type = "TBA", client_id = "someone-else", client_secret = "not-the-fakes" });

        var submitted = await PostAsync(app, "/auth/tba/fake-tba", new
        {
            token_id = FakeProvider.TbaTokenId,
            token_secret = FakeProvider.TbaTokenSecret,
            oauth_client_id_override = FakeProvider.ClientId,
            oauth_client_secret_override = FakeProvider.ClientSecret,
        }, "&params[accountId]=7654321");
        var connectionId = (await submitted.JsonAsync())["connectionId"]!.GetValue<string>();
        var overrides = (await ReadAsync(app, "fake-tba", connectionId))["credentials"]!["config_override"]!;

        Assert.Equal(HttpStatusCode.OK, submitted.StatusCode);
        Assert.Equal((FakeProvider.ClientId, FakeProvider.ClientSecret), (overrides["client_id"]!.GetValue<string>(), overrides["client_secret"]!.GetValue<string>()));
    }

    [Fact]
    public async Task Tba_WrongTokenSecret_IsInvalidCredentials_AndSavesNothing()
    {
        await using var app = await Server.StartAsync();
        await app.CreateIntegrationAsync("fake-tba", credentials: TbaIntegration);

        var refused = await PostAsync(app, "/auth/tba/fake-tba", new { token_id = FakeProvider.TbaTokenId, token_secret = "wrong-token-secret" }, "&params[accountId]=1234567");
        var list = await (await app.Backend.GetAsync("/connections", Server.Cancellation)).JsonAsync();

        Assert.Equal((HttpStatusCode.BadRequest, "invalid_credentials"), (refused.StatusCode, await refused.ErrorCodeAsync()));
        Assert.Equal(1, app.Fake.TbaCalls);
        Assert.Empty(list["connections"]!.AsArray());
    }

    [Theory]
    [InlineData("""{"token_id":"a"}""", "token_secret")]
    [InlineData("""{"token_id":"","token_secret":"b"}""", "token_id")]
    [InlineData("""{"token_id":"a","token_secret":"b","surprise":1}""", "'surprise'")]
    public async Task Tba_BadBody_IsInvalidBody_NamingTheField(string body, string field)
    {
        await using var app = await Server.StartAsync();
        await app.CreateIntegrationAsync("fake-tba", credentials: TbaIntegration);

        var response = await app.Http.PostAsync($"/auth/tba/fake-tba?connect_session_token={await app.CreateSessionTokenAsync()}&params[accountId]=1",
            new StringContent(body, System.Text.Encoding.UTF8, "application/json"), Server.Cancellation);
        var error = (await response.JsonAsync())["error"]!;

        Assert.Equal((HttpStatusCode.BadRequest, "invalid_body"), (response.StatusCode, error["code"]!.GetValue<string>()));
        var issue = error["errors"]![0]!;
        Assert.Contains(field, issue["path"]!.AsArray().Select(p => p!.GetValue<string>()).Append(issue["message"]!.GetValue<string>()).Aggregate((a, b) => a + " " + b), StringComparison.Ordinal);
        Assert.Equal(0, app.Fake.TbaCalls);
    }

    [Fact]
    public async Task Tba_ImportedToken_IsVerifiedSigned_AndRefusedOneIsInvalidCredentials()
    {
        await using var app = await Server.StartAsync();
        await app.CreateIntegrationAsync("fake-tba", credentials: TbaIntegration);
        object Import(string secret) => new
        {
            provider_config_key = "fake-tba",
            connection_id = $"imported-{secret.Length}",
            connection_config = new { accountId = "1234567" },
            credentials = new { type = "TBA", token_id = FakeProvider.TbaTokenId, token_secret = secret },
        };

        var imported = await app.Backend.PostAsJsonAsync("/connections", Import(FakeProvider.TbaTokenSecret), Server.Cancellation);
        var refused = await app.Backend.PostAsJsonAsync("/connections", Import("wrong"), Server.Cancellation);

        Assert.Equal(HttpStatusCode.Created, imported.StatusCode);
        Assert.Equal((HttpStatusCode.BadRequest, "invalid_credentials"), (refused.StatusCode, await refused.ErrorCodeAsync()));
    }

    [Fact]
    public async Task Bill_SignInOpensASession_ThatIsVerifiedSaved_AndReopenedOnRefresh()
    {
        await using var app = await Server.StartAsync();
        await app.CreateIntegrationAsync("fake-bill");

        var submitted = await PostAsync(app, "/auth/bill/fake-bill", new
        {
            username = FakeProvider.BillUsername,
            password = FakeProvider.BillPassword,
            organization_id = FakeProvider.BillOrganizationId,
            dev_key = FakeProvider.BillDevKey,
        });
        var connectionId = (await submitted.JsonAsync())["connectionId"]!.GetValue<string>();
        var first = (await ReadAsync(app, "fake-bill", connectionId))["credentials"]!;
        var firstSession = first["session_id"]!.GetValue<string>();
        var refreshed = (await ReadAsync(app, "fake-bill", connectionId, force: true))["credentials"]!;

        Assert.Equal(HttpStatusCode.OK, submitted.StatusCode);
        Assert.Equal(("BILL", FakeProvider.BillOrganizationId, FakeProvider.BillDevKey, "00601USER"),
            (first["type"]!.GetValue<string>(), first["organization_id"]!.GetValue<string>(), first["dev_key"]!.GetValue<string>(), first["user_id"]!.GetValue<string>()));
        Assert.True(DateTimeOffset.Parse(first["expires_at"]!.GetValue<string>(), System.Globalization.CultureInfo.InvariantCulture) > DateTimeOffset.UtcNow.AddMinutes(30));
        Assert.NotNull(first["raw"]);
        Assert.Equal(2, app.Fake.BillLogins);
        Assert.NotEqual(firstSession, refreshed["session_id"]!.GetValue<string>());
        Assert.Equal(app.Fake.CurrentBillSessionOrNull, refreshed["session_id"]!.GetValue<string>());
    }

    [Fact]
    public async Task Bill_RefusedSignIn_IsConnectionTestFailed_AndMissingFieldIsInvalidBody()
    {
        await using var app = await Server.StartAsync();
        await app.CreateIntegrationAsync("fake-bill");

        var refused = await PostAsync(app, "/auth/bill/fake-bill", new { username = FakeProvider.BillUsername, password = "wrong", organization_id = FakeProvider.BillOrganizationId, dev_key = FakeProvider.BillDevKey });
        var incomplete = await PostAsync(app, "/auth/bill/fake-bill", new { username = FakeProvider.BillUsername, password = "x", organization_id = "y" });

        Assert.Equal((HttpStatusCode.BadRequest, "connection_test_failed"), (refused.StatusCode, await refused.ErrorCodeAsync()));
        Assert.Equal((HttpStatusCode.BadRequest, "invalid_body"), (incomplete.StatusCode, await incomplete.ErrorCodeAsync()));
        Assert.Equal(0, app.Fake.BillLogins);
    }

    [Fact]
    public async Task Signature_WsseTokenIsAcceptedByTheProvider_AndANewOneIsMadeOnRefresh()
    {
        await using var app = await Server.StartAsync();
        await app.CreateIntegrationAsync("fake-signature");

        var submitted = await PostAsync(app, "/auth/signature/fake-signature", new { type = "SIGNATURE", username = FakeProvider.WsseUsername, password = FakeProvider.WsseSecret });
        var connectionId = (await submitted.JsonAsync())["connectionId"]!.GetValue<string>();
        var first = (await ReadAsync(app, "fake-signature", connectionId))["credentials"]!;
        var refreshed = (await ReadAsync(app, "fake-signature", connectionId, force: true))["credentials"]!;

        Assert.Equal(HttpStatusCode.OK, submitted.StatusCode);
        Assert.Equal(("SIGNATURE", FakeProvider.WsseUsername), (first["type"]!.GetValue<string>(), first["username"]!.GetValue<string>()));
        Assert.StartsWith($"UsernameToken Username=\"{FakeProvider.WsseUsername}\", PasswordDigest=\"", first["token"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.NotNull(first["expires_at"]);
        Assert.NotEqual(first["token"]!.GetValue<string>(), refreshed["token"]!.GetValue<string>());
        Assert.Equal(1, app.Fake.WsseCalls);
    }

    [Fact]
    public async Task Signature_WrongSecret_IsConnectionTestFailed_AndTypeIsRequired()
    {
        await using var app = await Server.StartAsync();
        await app.CreateIntegrationAsync("fake-signature");

        var refused = await PostAsync(app, "/auth/signature/fake-signature", new { type = "SIGNATURE", username = FakeProvider.WsseUsername, password = "wrong-wsse-secret" });
        var untyped = await PostAsync(app, "/auth/signature/fake-signature", new { username = FakeProvider.WsseUsername, password = FakeProvider.WsseSecret });

        Assert.Equal((HttpStatusCode.BadRequest, "connection_test_failed"), (refused.StatusCode, await refused.ErrorCodeAsync()));
        Assert.Equal((HttpStatusCode.BadRequest, "invalid_body"), (untyped.StatusCode, await untyped.ErrorCodeAsync()));
    }

    [Fact]
    public async Task WrongMode_IsInvalidAuthMode()
    {
        await using var app = await Server.StartAsync();
        await app.CreateIntegrationAsync("fake-bill");

        var response = await PostAsync(app, "/auth/tba/fake-bill", new { token_id = "a", token_secret = "b" });

        Assert.Equal((HttpStatusCode.BadRequest, "invalid_auth_mode"), (response.StatusCode, await response.ErrorCodeAsync()));
    }

    [Fact]
    public async Task NoSecretOfTheseModes_ReachesTheLog()
    {
        await using var app = await Server.StartAsync();
        await app.CreateIntegrationAsync("fake-tba", credentials: TbaIntegration);
        await app.CreateIntegrationAsync("fake-bill");
        await app.CreateIntegrationAsync("fake-signature");
        await PostAsync(app, "/auth/tba/fake-tba", new { token_id = FakeProvider.TbaTokenId, token_secret = FakeProvider.TbaTokenSecret }, "&params[accountId]=1234567");
        await PostAsync(app, "/auth/tba/fake-tba", new { token_id = FakeProvider.TbaTokenId, token_secret = "wrong-tba-secret" }, "&params[accountId]=1234567");
        var bill = await PostAsync(app, "/auth/bill/fake-bill", new { username = FakeProvider.BillUsername, password = FakeProvider.BillPassword, organization_id = FakeProvider.BillOrganizationId, dev_key = FakeProvider.BillDevKey });
        await ReadAsync(app, "fake-bill", (await bill.JsonAsync())["connectionId"]!.GetValue<string>(), force: true);
        await PostAsync(app, "/auth/signature/fake-signature", new { type = "SIGNATURE", username = FakeProvider.WsseUsername, password = FakeProvider.WsseSecret });

        foreach (var secret in app.Fake.IssuedSecrets.Concat([FakeProvider.ClientSecret, FakeProvider.TbaTokenSecret, "wrong-tba-secret", FakeProvider.BillPassword, FakeProvider.WsseSecret, "PasswordDigest"]))
        {
            Assert.DoesNotContain(app.Logs.Lines, line => line.Contains(secret, StringComparison.Ordinal));
        }
    }
}
