using System.Net;
using System.Text;

namespace Latchkey.Server.Tests.Hosting;

/// <summary>
/// JSON the parser accepts but .NET cannot turn into strings (an escaped lone surrogate) is a client's mistake: 400 in
/// the envelope, never a 500 with a stack trace in the log, which an anonymous caller could use to flood it.
/// </summary>
public sealed class MalformedJsonTests
{
    [Theory]
    [InlineData("""{"token":"\ud800","event":"open","timestamp":"2025-01-01T00:00:00Z"}""")]
    [InlineData("""{"\udfff":"x"}""")]
    [InlineData("""{"dimensions":{"integration":["a","\udbff"]}}""")]
    public async Task LoneSurrogate_OnAnonymousTelemetry_IsInvalidBody400_WithoutAStackTrace(string body)
    {
        await using var app = await Server.StartAsync();

        var response = await app.Http.PostAsync("/connect/telemetry", new StringContent(body, Encoding.UTF8, "application/json"), Server.Cancellation);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("invalid_body", await response.ErrorCodeAsync());
        AssertNoErrorLogged(app);
    }

    [Theory]
    [InlineData("/integrations", """{"provider":"fake-apikey","unique_key":"\ud800"}""")]
    [InlineData("/connect/sessions", """{"end_user":{"id":"u","display_name":"\udc00"}}""")]
    [InlineData("/connections/abc/metadata?provider_config_key=x", """{"\ud83d":1}""")]
    public async Task LoneSurrogate_OnAuthenticatedRoutes_IsInvalidBody400(string route, string body)
    {
        await using var app = await Server.StartAsync();

        var response = await app.Backend.PostAsync(route, new StringContent(body, Encoding.UTF8, "application/json"), Server.Cancellation);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("invalid_body", await response.ErrorCodeAsync());
        AssertNoErrorLogged(app);
    }

    [Fact]
    public async Task WellFormedSurrogatePair_IsStillAccepted()
    {
        await using var app = await Server.StartAsync();

        var response = await app.Backend.PostAsync("/connect/sessions",
            new StringContent("""{"end_user":{"id":"u","display_name":"Ada \ud83d\ude00"}}""", Encoding.UTF8, "application/json"), Server.Cancellation);

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
    }

    internal static void AssertNoErrorLogged(TestApp app) =>
        Assert.DoesNotContain(app.Logs.Lines, line => line.StartsWith("Error", StringComparison.Ordinal) || line.StartsWith("Critical", StringComparison.Ordinal) || line.Contains("\n   at ", StringComparison.Ordinal));
}
