using System.Net;
using System.Security.Cryptography;

namespace Latchkey.Client.Tests;

public sealed class ErrorsAndRegistrationTests
{
    [Fact]
    public async Task AnUnknownSecretKey_Is401UnknownAccount()
    {
        await using var app = await Server.StartAsync();
        var client = Server.ClientFor(app, "lk_sk_" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(32)));

        var error = await Assert.ThrowsAsync<LatchkeyApiException>(() => client.ListIntegrationsAsync(Server.Cancellation));

        Assert.Equal((HttpStatusCode.Unauthorized, "unknown_account"), (error.StatusCode, error.Code));
        Assert.False(string.IsNullOrEmpty(error.Message));
    }

    [Fact]
    public async Task AnInvalidBody_Is400InvalidBody_WithEachIssueAndItsPath()
    {
        await using var app = await Server.StartAsync();
        var client = Server.ClientFor(app);

        var error = await Assert.ThrowsAsync<LatchkeyApiException>(() => client.CreateConnectSessionAsync(new CreateConnectSessionRequest
        {
            EndUser = new EndUser { Id = "u", Email = "not-an-email" },
            AllowedIntegrations = ["does-not-exist"],
        }, Server.Cancellation));

        Assert.Equal((HttpStatusCode.BadRequest, "invalid_body"), (error.StatusCode, error.Code));
        Assert.Contains(error.Errors, e => e.Path.SequenceEqual(["end_user", "email"]));
        Assert.Contains(error.Errors, e => e.Path.SequenceEqual(["allowed_integrations", "0"]) && e.Message.Contains("does-not-exist", StringComparison.Ordinal));
    }

    [Fact]
    public async Task AResponseThatIsNotAnEnvelope_IsUnexpectedResponse()
    {
        await using var stub = await StubServer.StartAsync(_ => Results.Text("<html>bad gateway</html>", "text/html", statusCode: 404));
        var client = new LatchkeyClient(new HttpClient(), new LatchkeyClientOptions { BaseUrl = stub.BaseUrl, SecretKey = "lk_sk_x" });

        var error = await Assert.ThrowsAsync<LatchkeyApiException>(() => client.GetProviderAsync("x", Server.Cancellation));

        Assert.Equal((HttpStatusCode.NotFound, "unexpected_response"), (error.StatusCode, error.Code));
    }

    [Fact]
    public async Task AddLatchkeyClient_RegistersAWorkingTypedClient_WhoseOptionsNeverPrintTheKey()
    {
        await using var app = await Server.StartAsync();
        var services = new ServiceCollection();
        services.AddLatchkeyClient(options =>
        {
            options.BaseUrl = app.BaseUrl;
            options.SecretKey = app.SecretKey;
        });
        await using var provider = services.BuildServiceProvider();
        var client = provider.GetRequiredService<LatchkeyClient>();

        var integration = await client.CreateIntegrationAsync(new CreateIntegrationRequest { Provider = "fake-apikey", UniqueKey = "keys" }, Server.Cancellation);

        Assert.Equal("keys", integration.UniqueKey);
        var options = new LatchkeyClientOptions { BaseUrl = app.BaseUrl, SecretKey = app.SecretKey };
        Assert.DoesNotContain(app.SecretKey, options.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task AddLatchkeyClient_RetriesAFailingGetAndDelete_ButNeverAPostOrPatch()
    {
        var calls = new Dictionary<string, int>();
        await using var stub = await StubServer.StartAsync(context =>
        {
            lock (calls)
            {
                calls[context.Request.Method] = calls.GetValueOrDefault(context.Request.Method) + 1;
            }

            return Results.Json(new { error = new { code = "server_error", message = "down" } }, statusCode: 503);
        });
        var services = new ServiceCollection();
        services.AddLatchkeyClient(
            options =>
            {
                options.BaseUrl = stub.BaseUrl;
                options.SecretKey = "lk_sk_test";
            },
            resilience => resilience.Retry.Delay = TimeSpan.FromMilliseconds(5));
        await using var provider = services.BuildServiceProvider();
        var client = provider.GetRequiredService<LatchkeyClient>();

        var get = await Assert.ThrowsAsync<LatchkeyApiException>(() => client.GetProviderAsync("x", Server.Cancellation));
        await Assert.ThrowsAsync<LatchkeyApiException>(() => client.DeleteIntegrationAsync("x", Server.Cancellation));
        await Assert.ThrowsAsync<LatchkeyApiException>(() => client.CreateConnectSessionAsync(new CreateConnectSessionRequest { EndUser = new EndUser { Id = "u" } }, Server.Cancellation));
        await Assert.ThrowsAsync<LatchkeyApiException>(() => client.UpdateIntegrationAsync("x", new UpdateIntegrationRequest { DisplayName = "y" }, Server.Cancellation));

        Assert.Equal((HttpStatusCode.ServiceUnavailable, "server_error"), (get.StatusCode, get.Code));
        Assert.Equal(4, calls["GET"]);     // 1 + 3 retries of the standard pipeline
        Assert.Equal(4, calls["DELETE"]);
        Assert.Equal(1, calls["POST"]);
        Assert.Equal(1, calls["PATCH"]);
    }

    [Fact]
    public void Options_WithoutASecretKeyOrWithABadUrl_AreRefusedUpFront()
    {
        Assert.Throws<InvalidOperationException>(() => new LatchkeyClient(new HttpClient(), new LatchkeyClientOptions { BaseUrl = "http://localhost:3003" }));
        Assert.Throws<InvalidOperationException>(() => new LatchkeyClient(new HttpClient(), new LatchkeyClientOptions { BaseUrl = "localhost", SecretKey = "k" }));
    }
}

/// <summary>A tiny HTTP server on loopback answering every request with one handler.</summary>
internal sealed class StubServer : IAsyncDisposable
{
    private readonly WebApplication _app;

    private StubServer(WebApplication app) => _app = app;

    public string BaseUrl => _app.Services.GetRequiredService<Microsoft.AspNetCore.Hosting.Server.IServer>().Features.Get<Microsoft.AspNetCore.Hosting.Server.Features.IServerAddressesFeature>()!.Addresses.First();

    public static async Task<StubServer> StartAsync(Func<HttpContext, IResult> handler)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        var app = builder.Build();
        app.Run(context => handler(context).ExecuteAsync(context));
        await app.StartAsync();
        return new StubServer(app);
    }

    public async ValueTask DisposeAsync() => await _app.DisposeAsync();
}
