using System.Net;

namespace Latchkey.Server.Tests.CredentialEntry;

/// <summary>TWO_STEP through the SDK's endpoint against the fake provider's token exchange (spec §2.5, §4.4, §5.10).</summary>
public sealed class TwoStepTests
{
    private static object Fields(string secret = FakeProvider.ClientSecret) =>
        new { type = "TWO_STEP", account_id = FakeProvider.ClientId, api_secret = secret };

    private static async Task<HttpResponseMessage> SubmitAsync(TestApp app, object body) =>
        await app.Http.PostAsJsonAsync($"/auth/two-step/fake-two-step?connect_session_token={await app.CreateSessionTokenAsync()}", body, Server.Cancellation);

    [Fact]
    public async Task EnteredFields_AreExchangedForAToken_ThatIsVerifiedSavedAndReturned()
    {
        await using var app = await Server.StartAsync();
        await app.CreateIntegrationAsync("fake-two-step");

        var submitted = await SubmitAsync(app, Fields());
        var connectionId = (await submitted.JsonAsync())["connectionId"]!.GetValue<string>();
        var read = await (await app.Backend.GetAsync($"/connections/{connectionId}?provider_config_key=fake-two-step", Server.Cancellation)).JsonAsync();

        Assert.Equal(HttpStatusCode.OK, submitted.StatusCode);
        var credentials = read["credentials"]!;
        Assert.Equal(("TWO_STEP", FakeProvider.ClientId), (credentials["type"]!.GetValue<string>(), credentials["account_id"]!.GetValue<string>()));
        Assert.Equal(app.Fake.CurrentTwoStepTokenOrNull, credentials["token"]!.GetValue<string>());
        Assert.NotNull(credentials["expires_at"]);
        Assert.Equal((1, 1), (app.Fake.TwoStepExchanges, app.Fake.VerificationCalls));
        Assert.Equal($"Bearer {app.Fake.CurrentTwoStepTokenOrNull}", app.Fake.LastVerification!.Value.Authorization);
    }

    [Fact]
    public async Task ForcedRefresh_ExchangesAgain_AndStoresTheNewToken()
    {
        await using var app = await Server.StartAsync();
        await app.CreateIntegrationAsync("fake-two-step");
        var connectionId = (await (await SubmitAsync(app, Fields())).JsonAsync())["connectionId"]!.GetValue<string>();
        var first = app.Fake.CurrentTwoStepTokenOrNull;

        var refreshed = await (await app.Backend.GetAsync($"/connections/{connectionId}?provider_config_key=fake-two-step&force_refresh=true", Server.Cancellation)).JsonAsync();
        var later = await (await app.Backend.GetAsync($"/connections/{connectionId}?provider_config_key=fake-two-step", Server.Cancellation)).JsonAsync();

        Assert.Equal(2, app.Fake.TwoStepExchanges);
        Assert.NotEqual(first, refreshed["credentials"]!["token"]!.GetValue<string>());
        Assert.Equal(app.Fake.CurrentTwoStepTokenOrNull, later["credentials"]!["token"]!.GetValue<string>());
    }

    [Fact]
    public async Task RefusedExchange_IsConnectionTestFailed_AndSavesNothing()
    {
        await using var app = await Server.StartAsync();
        await app.CreateIntegrationAsync("fake-two-step");

        var refused = await SubmitAsync(app, Fields("wrong-secret"));
        var list = await (await app.Backend.GetAsync("/connections", Server.Cancellation)).JsonAsync();

        Assert.Equal((HttpStatusCode.BadRequest, "connection_test_failed"), (refused.StatusCode, await refused.ErrorCodeAsync()));
        Assert.Empty(list["connections"]!.AsArray());
        Assert.DoesNotContain(app.Logs.Lines, line => line.Contains(FakeProvider.ClientSecret, StringComparison.Ordinal) || line.Contains("wrong-secret", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("""{"type":"TWO_STEP","account_id":"x"}""", "api_secret")]
    [InlineData("""{"type":"TWO_STEP","account_id":"x","api_secret":"y","surprise":"z"}""", "surprise")]
    [InlineData("""{"type":"TWO_STEP","account_id":1,"api_secret":"y"}""", "account_id")]
    public async Task FieldsThatDoNotMatchTheCatalog_AreInvalidBody(string body, string path)
    {
        await using var app = await Server.StartAsync();
        await app.CreateIntegrationAsync("fake-two-step");

        var response = await app.Http.PostAsync($"/auth/two-step/fake-two-step?connect_session_token={await app.CreateSessionTokenAsync()}",
            new StringContent(body, System.Text.Encoding.UTF8, "application/json"), Server.Cancellation);
        var error = (await response.JsonAsync())["error"]!;

        Assert.Equal((HttpStatusCode.BadRequest, "invalid_body"), (response.StatusCode, error["code"]!.GetValue<string>()));
        Assert.Equal(path, error["errors"]![0]!["path"]![0]!.GetValue<string>());
        Assert.Equal(0, app.Fake.TwoStepExchanges);
    }

    [Fact]
    public async Task NoSecretOfTheExchange_ReachesTheLog()
    {
        await using var app = await Server.StartAsync();
        await app.CreateIntegrationAsync("fake-two-step");
        var connectionId = (await (await SubmitAsync(app, Fields())).JsonAsync())["connectionId"]!.GetValue<string>();
        await app.Backend.GetAsync($"/connections/{connectionId}?provider_config_key=fake-two-step&force_refresh=true", Server.Cancellation);

        foreach (var secret in app.Fake.IssuedSecrets.Append(FakeProvider.ClientSecret))
        {
            Assert.DoesNotContain(app.Logs.Lines, line => line.Contains(secret, StringComparison.Ordinal));
        }
    }
}
