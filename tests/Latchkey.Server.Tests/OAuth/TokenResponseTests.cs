using System.Text.Json.Nodes;
using Latchkey.Server.OAuth;
using Latchkey.Server.Providers;
using Latchkey.Server.Tokens;

namespace Latchkey.Server.Tests.OAuth;

public sealed class TokenResponseTests
{
    private static readonly DateTimeOffset Now = new(2026, 5, 1, 12, 0, 0, TimeSpan.Zero);

    private static Provider Plain(string extra = "") => ProviderCatalog.Load($"""
        p:
          display_name: P
          docs: https://d
          auth_mode: OAUTH2
          authorization_url: https://p.example/authorize
          token_url: https://p.example/token
        {extra}
        """, null).Find("p")!;

    [Theory]
    [InlineData("""{"access_token":"a","expires_in":3600}""", "2026-05-01T13:00:00.000Z")]
    [InlineData("""{"access_token":"a","expires_in":"3600"}""", "2026-05-01T13:00:00.000Z")]
    [InlineData("""{"access_token":"a","expires_at":1777640400}""", "2026-05-01T13:00:00.000Z")]
    [InlineData("""{"access_token":"a","expires_at":1777640400000}""", "2026-05-01T13:00:00.000Z")]
    [InlineData("""{"access_token":"a","expires_at":"2026-05-01T13:00:00Z"}""", "2026-05-01T13:00:00.000Z")]
    [InlineData("""{"access_token":"a"}""", null)]
    public void ExpiresAt_IsReadFromEveryShapeProvidersUse(string body, string? expected)
    {
        var (credentials, _) = TokenResponse.OAuth2(Plain(), JsonNode.Parse(body)!.AsObject(), Now)!.Value;

        Assert.Equal(expected, credentials.GetString("expires_at"));
        Assert.Equal(body, credentials["raw"]!.ToJsonString());
    }

    [Fact]
    public void NestedTokens_AreFoundAtTheAlternatePath()
    {
        var provider = Plain("  alternate_access_token_response_path: authed_user");

        var (credentials, _) = TokenResponse.OAuth2(provider, JsonNode.Parse("""{"ok":true,"authed_user":{"access_token":"u-tok","refresh_token":"u-rt","expires_in":60}}""")!.AsObject(), Now)!.Value;

        Assert.Equal("u-tok", credentials.GetString("access_token"));
        Assert.Equal("u-rt", credentials.GetString("refresh_token"));
    }

    [Fact]
    public void AlternatePath_IsOnlyAFallback_WhenTheTopLevelTokenIsThere()
    {
        var provider = Plain("  alternate_access_token_response_path: authed_user");

        var (credentials, _) = TokenResponse.OAuth2(provider, JsonNode.Parse("""{"ok":true,"access_token":"bot-tok","authed_user":{"access_token":"u-tok"}}""")!.AsObject(), Now)!.Value;

        Assert.Equal("bot-tok", credentials.GetString("access_token"));
    }

    [Fact]
    public void RefreshWithoutANewRefreshToken_KeepsTheOldOne()
    {
        var (credentials, _) = TokenResponse.OAuth2(Plain(), JsonNode.Parse("""{"access_token":"new"}""")!.AsObject(), Now, previousRefreshToken: "old-rt")!.Value;

        Assert.Equal("old-rt", credentials.GetString("refresh_token"));
    }

    [Fact]
    public void AnswerWithoutAccessToken_IsNotCredentials() =>
        Assert.Null(TokenResponse.OAuth2(Plain(), JsonNode.Parse("""{"token_type":"bearer"}""")!.AsObject(), Now));

    [Fact]
    public void Metadata_IsCopiedByDotPath()
    {
        var provider = Plain("  token_response_metadata: [instance_url, team.id]");
        var config = new JsonObject();

        TokenResponse.CopyMetadata(provider, "token_response_metadata", JsonNode.Parse("""{"instance_url":"https://eu1.example","team":{"id":"T1"}}""")!.AsObject(), config);

        Assert.Equal("""{"instance_url":"https://eu1.example","team.id":"T1"}""", config.ToJsonString());
    }

    [Fact]
    public async Task ResultPage_EscapesEverythingItEmbeds()
    {
        var context = new DefaultHttpContext { Response = { Body = new MemoryStream() } };

        await ResultPage.Failure("callback_err", "</script><script>alert(1)</script>\u2028").ExecuteAsync(context);
        context.Response.Body.Position = 0;
        var html = await new StreamReader(context.Response.Body).ReadToEndAsync(TestContext.Current.CancellationToken);

        Assert.Equal(400, context.Response.StatusCode);
        Assert.DoesNotContain("<script>alert", html, StringComparison.Ordinal);
        Assert.Contains("\\u003c/script\\u003e", html, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("script-src 'nonce-", context.Response.Headers.ContentSecurityPolicy.ToString(), StringComparison.Ordinal);
    }
}
