using System.Net;
using System.Net.Http.Headers;

namespace Latchkey.Server.Tests.Hosting;

public sealed class AuthenticationTests
{
    [Fact]
    public async Task Health_WhenStarted_AnswersOk()
    {
        await using var app = await Server.StartAsync();

        var response = await app.Http.GetAsync("/health", Server.Cancellation);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("ok", (await response.JsonAsync())["result"]!.GetValue<string>());
    }

    [Theory]
    [InlineData(null, "missing_auth_header")]
    [InlineData("Bearer ", "malformed_auth_header")]
    [InlineData("Bearer not-a-key", "invalid_secret_key_format")]
    [InlineData("Bearer lk_sk_0000000000000000000000000000000000000000000000000000000000000000", "unknown_account")]
    [InlineData("Bearer 5a3c7f1e-2b4d-4e6f-8a9b-0c1d2e3f4a5b", "unknown_account")]
    [InlineData("Bearer nango_connect_session_abc", "invalid_secret_key_format")]
    public async Task SecretKeyRoutes_WithBadCredentials_Answer401WithTheSpecCode(string? authorization, string expectedCode)
    {
        await using var app = await Server.StartAsync();
        using var request = new HttpRequestMessage(HttpMethod.Get, "/connections");
        if (authorization is not null)
        {
            request.Headers.TryAddWithoutValidation("Authorization", authorization);
        }

        var response = await app.Http.SendAsync(request, Server.Cancellation);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal(expectedCode, await response.ErrorCodeAsync());
    }

    [Theory]
    [InlineData("nango_connect_session_xyz", "invalid_connect_session_token_format")]
    [InlineData("nango_connect_session_0000000000000000000000000000000000000000000000000000000000000000", "unknown_connect_session_token")]
    public async Task SessionRoutes_WithBadTokens_Answer401WithTheSpecCode(string token, string expectedCode)
    {
        await using var app = await Server.StartAsync();
        using var request = new HttpRequestMessage(HttpMethod.Get, "/connect/session");
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);

        var response = await app.Http.SendAsync(request, Server.Cancellation);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal(expectedCode, await response.ErrorCodeAsync());
    }

    [Fact]
    public async Task SecretKey_OfProd_SeesOnlyProdObjects()
    {
        await using var app = await Server.StartAsync();
        await app.CreateIntegrationAsync("fake-apikey");
        using var prod = new HttpClient { BaseAddress = new Uri(app.BaseUrl) };
        prod.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", app.ProdSecretKey);

        var response = await prod.GetAsync("/integrations/fake-apikey", Server.Cancellation);

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
    }

    [Fact]
    public async Task SessionToken_OnASecretKeyRoute_IsRefused()
    {
        await using var app = await Server.StartAsync();
        var token = await app.CreateSessionTokenAsync();
        using var request = new HttpRequestMessage(HttpMethod.Get, "/connections");
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);

        var response = await app.Http.SendAsync(request, Server.Cancellation);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal("invalid_secret_key_format", await response.ErrorCodeAsync());
    }
}
