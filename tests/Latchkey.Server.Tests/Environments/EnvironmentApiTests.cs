using System.Net;

namespace Latchkey.Server.Tests.Environments;

public sealed class EnvironmentApiTests
{
    [Fact]
    public async Task Get_FreshEnvironment_ShowsDefaults()
    {
        await using var app = await Server.StartAsync();

        var response = await app.Backend.GetAsync("/environment", Server.Cancellation);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var data = (await response.JsonAsync())["data"]!;
        Assert.Equal("dev", data["name"]!.GetValue<string>());
        Assert.Equal("system", data["connect_ui"]!["default_theme"]!.GetValue<string>());
        Assert.Equal("[]", data["allowed_origins"]!.ToJsonString());
        Assert.Null(data["webhook"]!["primary_url"]);
        Assert.True(data["webhook"]!["on_auth_creation"]!.GetValue<bool>());
        Assert.Equal("secret_key", data["webhook"]!["signing_key"]!.GetValue<string>());
    }

    [Fact]
    public async Task Patch_ChangesSettings_AndTheConnectUiSeesThem()
    {
        await using var app = await Server.StartAsync();

        var response = await app.Backend.PatchAsJsonAsync("/environment", new
        {
            connect_ui = new
            {
                theme = new { light = new { primary = "#ff0066" }, dark = new { primary = "rgb(10, 20, 30)" } },
                default_theme = "dark",
                show_watermark = true,
                strings = new { en = new { title = "Connect your tools" } },
            },
            allowed_origins = new[] { "https://App.Example.com/", "http://localhost:5173" },
            callback_url = "https://auth.example.com/oauth/callback",
            connection_limit = 5,
            webhook = new { primary_url = "https://hooks.example.com/a", secondary_url = "https://hooks.example.com/b", on_auth_creation = false },
        }, Server.Cancellation);
        var reread = (await (await app.Backend.GetAsync("/environment", Server.Cancellation)).JsonAsync())["data"]!;
        var session = await app.Http.SendAsync(new HttpRequestMessage(HttpMethod.Get, "/connect/session")
        {
            Headers = { Authorization = new("Bearer", await app.CreateSessionTokenAsync()) },
        }, Server.Cancellation);
        var ui = (await session.JsonAsync())["data"]!["connectUISettings"]!;

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("""["https://app.example.com","http://localhost:5173"]""", reread["allowed_origins"]!.ToJsonString());
        Assert.Equal("https://auth.example.com/oauth/callback", reread["callback_url"]!.GetValue<string>());
        Assert.Equal(5, reread["connection_limit"]!.GetValue<int>());
        Assert.Equal("https://hooks.example.com/b", reread["webhook"]!["secondary_url"]!.GetValue<string>());
        Assert.False(reread["webhook"]!["on_auth_creation"]!.GetValue<bool>());
        Assert.True(reread["webhook"]!["on_auth_refresh_error"]!.GetValue<bool>());
        Assert.Equal("#ff0066", ui["theme"]!["light"]!["primary"]!.GetValue<string>());
        Assert.Equal("dark", ui["defaultTheme"]!.GetValue<string>());
        Assert.Equal("Connect your tools", ui["strings"]!["en"]!["title"]!.GetValue<string>());
    }

    [Fact]
    public async Task Patch_Null_ClearsUrlsAndLimit()
    {
        await using var app = await Server.StartAsync();
        await app.Backend.PatchAsJsonAsync("/environment", new { connection_limit = 3, webhook = new { primary_url = "https://hooks.example.com/a" } }, Server.Cancellation);

        var response = await app.Backend.PatchAsync("/environment",
            new StringContent("""{"connection_limit":null,"webhook":{"primary_url":null}}""", System.Text.Encoding.UTF8, "application/json"), Server.Cancellation);

        var data = (await response.JsonAsync())["data"]!;
        Assert.Null(data["connection_limit"]);
        Assert.Null(data["webhook"]!["primary_url"]);
    }

    [Theory]
    [InlineData("""{"name":"other"}""")]
    [InlineData("""{"surprise":1}""")]
    [InlineData("""{"connect_ui":{"theme":{"light":{"primary":"red; background:url(x)"}}}}""")]
    [InlineData("""{"connect_ui":{"default_theme":"neon"}}""")]
    [InlineData("""{"connect_ui":{"show_watermark":"yes"}}""")]
    [InlineData("""{"connect_ui":{"strings":{"en":{"title":5}}}}""")]
    [InlineData("""{"allowed_origins":["https://app.example.com/path"]}""")]
    [InlineData("""{"allowed_origins":["ftp://app.example.com"]}""")]
    [InlineData("""{"allowed_origins":["https://app.example.com?x=1"]}""")]
    [InlineData("""{"callback_url":"not a url"}""")]
    [InlineData("""{"connection_limit":-1}""")]
    [InlineData("""{"webhook":{"primary_url":"javascript:alert(1)"}}""")]
    [InlineData("""{"webhook":{"on_auth_creation":"true"}}""")]
    [InlineData("""{"webhook":{"signing_key":"abc"}}""")]
    public async Task Patch_BadInput_IsRefusedWithTheEnvelope(string body)
    {
        await using var app = await Server.StartAsync();

        var response = await app.Backend.PatchAsync("/environment", new StringContent(body, System.Text.Encoding.UTF8, "application/json"), Server.Cancellation);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("invalid_body", await response.ErrorCodeAsync());
    }

    [Fact]
    public async Task Environment_WithoutSecretKey_IsRefused()
    {
        await using var app = await Server.StartAsync();

        var anonymous = await app.Http.GetAsync("/environment", Server.Cancellation);
        var withSession = await app.Http.SendAsync(new HttpRequestMessage(HttpMethod.Get, "/environment")
        {
            Headers = { Authorization = new("Bearer", await app.CreateSessionTokenAsync()) },
        }, Server.Cancellation);

        Assert.Equal(HttpStatusCode.Unauthorized, anonymous.StatusCode);
        Assert.NotEqual(HttpStatusCode.OK, withSession.StatusCode);
    }

    [Fact]
    public async Task SigningKey_RotateAndClear_ChangesWhatGetShows()
    {
        await using var app = await Server.StartAsync();

        var rotated = await app.Backend.PostAsync("/environment/webhook-signing-key", null, Server.Cancellation);
        var key = (await rotated.JsonAsync())["data"]!["signing_key"]!.GetValue<string>();
        var afterRotate = (await (await app.Backend.GetAsync("/environment", Server.Cancellation)).JsonAsync())["data"]!;
        await app.Backend.DeleteAsync("/environment/webhook-signing-key", Server.Cancellation);
        var afterClear = (await (await app.Backend.GetAsync("/environment", Server.Cancellation)).JsonAsync())["data"]!;

        Assert.StartsWith("lk_whsec_", key, StringComparison.Ordinal);
        Assert.Equal("separate", afterRotate["webhook"]!["signing_key"]!.GetValue<string>());
        Assert.DoesNotContain(key, afterRotate.ToJsonString(), StringComparison.Ordinal);
        Assert.Equal("secret_key", afterClear["webhook"]!["signing_key"]!.GetValue<string>());
    }
}
