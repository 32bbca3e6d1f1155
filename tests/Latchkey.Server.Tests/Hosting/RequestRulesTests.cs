using System.Net;
using System.Text;

namespace Latchkey.Server.Tests.Hosting;

public sealed class RequestRulesTests
{
    [Fact]
    public async Task MalformedJson_IsInvalidJson400()
    {
        await using var app = await Server.StartAsync();

        var response = await app.Backend.PostAsync("/integrations", new StringContent("{\"provider\":", Encoding.UTF8, "application/json"), Server.Cancellation);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("invalid_json", await response.ErrorCodeAsync());
    }

    [Fact]
    public async Task NonJsonContentType_OnAJsonRoute_Is415()
    {
        await using var app = await Server.StartAsync();

        var response = await app.Backend.PostAsync("/integrations", new StringContent("provider=x", Encoding.UTF8, "application/x-www-form-urlencoded"), Server.Cancellation);

        Assert.Equal(HttpStatusCode.UnsupportedMediaType, response.StatusCode);
        Assert.Equal("invalid_content_type", await response.ErrorCodeAsync());
    }

    [Fact]
    public async Task OversizedBody_Is413InTheEnvelope()
    {
        await using var app = await Server.StartAsync(new Dictionary<string, string?> { ["LATCHKEY_MAX_BODY_BYTES"] = "2048" });
        var body = "{\"provider\":\"" + new string('a', 10_000) + "\"}";

        var response = await app.Backend.PostAsync("/integrations", new StringContent(body, Encoding.UTF8, "application/json"), Server.Cancellation);

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
        Assert.Equal("payload_too_large", await response.ErrorCodeAsync());
    }

    [Fact]
    public async Task UnknownRoute_Is404InTheEnvelope()
    {
        await using var app = await Server.StartAsync();

        var response = await app.Backend.GetAsync("/no/such/route", Server.Cancellation);

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Equal("not_found", await response.ErrorCodeAsync());
    }

    [Fact]
    public async Task Preflight_FromAnyOrigin_IsAllowedWithTheSpecHeaders()
    {
        await using var app = await Server.StartAsync();
        using var request = new HttpRequestMessage(HttpMethod.Options, "/api-auth/api-key/fake-apikey");
        request.Headers.Add("Origin", "https://customer.example");
        request.Headers.Add("Access-Control-Request-Method", "POST");
        request.Headers.Add("Access-Control-Request-Headers", "content-type");

        var response = await app.Http.SendAsync(request, Server.Cancellation);

        Assert.Equal(HttpStatusCode.NoContent, response.StatusCode);
        Assert.Equal("*", response.Headers.GetValues("Access-Control-Allow-Origin").Single());
        Assert.Equal("600", response.Headers.GetValues("Access-Control-Max-Age").Single());
    }

    [Fact]
    public async Task TelemetryPreflight_ReflectsTheOriginWithCredentials()
    {
        await using var app = await Server.StartAsync();
        using var request = new HttpRequestMessage(HttpMethod.Options, "/connect/telemetry");
        request.Headers.Add("Origin", "https://ui.example");
        request.Headers.Add("Access-Control-Request-Method", "POST");

        var response = await app.Http.SendAsync(request, Server.Cancellation);

        Assert.Equal("https://ui.example", response.Headers.GetValues("Access-Control-Allow-Origin").Single());
        Assert.Equal("true", response.Headers.GetValues("Access-Control-Allow-Credentials").Single());
    }

    [Fact]
    public async Task ApiResponses_CarrySecurityHeaders()
    {
        await using var app = await Server.StartAsync();

        var response = await app.Http.GetAsync("/health", Server.Cancellation);

        Assert.Equal("nosniff", response.Headers.GetValues("X-Content-Type-Options").Single());
        Assert.Equal("SAMEORIGIN", response.Headers.GetValues("X-Frame-Options").Single());
    }
}
