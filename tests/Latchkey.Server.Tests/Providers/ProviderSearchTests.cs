using System.Net;

namespace Latchkey.Server.Tests.Providers;

/// <summary>F7: <c>GET /providers?search=</c> never hands user text to a regex engine, and bounds its length.</summary>
public sealed class ProviderSearchTests
{
    [Theory]
    [InlineData("(a+)+$")]
    [InlineData("[")]
    [InlineData("\\")]
    [InlineData("(?<=x)y{2,}")]
    [InlineData("a{1000000}")]
    public async Task OddSearch_AnswersOk_AndMatchesLiterally(string search)
    {
        await using var app = await Server.StartAsync();

        var response = await app.Backend.GetAsync($"/providers?search={Uri.EscapeDataString(search)}", Server.Cancellation);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Empty((await response.JsonAsync())["data"]!.AsArray());
    }

    [Fact]
    public async Task LongSearch_IsA400_NamingTheParameter()
    {
        await using var app = await Server.StartAsync();

        var response = await app.Backend.GetAsync($"/providers?search={new string('a', 1000)}", Server.Cancellation);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var error = (await response.JsonAsync())["error"]!;
        Assert.Equal("invalid_query_params", error["code"]!.GetValue<string>());
        Assert.Equal("search", error["errors"]![0]!["path"]![0]!.GetValue<string>());
    }

    [Theory]
    [InlineData("^fake-api", new[] { "fake-apikey" })]
    [InlineData("FAKE-APIKEY$", new[] { "fake-apikey" })]
    [InlineData("^fake-basic$", new[] { "fake-basic" })]
    public async Task AnchoredSearch_MatchesLikeTheRegexClientsSend(string search, string[] expected)
    {
        await using var app = await Server.StartAsync();

        var response = await app.Backend.GetAsync($"/providers?search={Uri.EscapeDataString(search)}", Server.Cancellation);

        var names = (await response.JsonAsync())["data"]!.AsArray().Select(p => p!["name"]!.GetValue<string>()).ToArray();
        Assert.Equal(expected, names);
    }
}
