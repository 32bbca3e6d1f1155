using System.Net;
using System.Text.RegularExpressions;

namespace Latchkey.Server.Tests.Dashboard;

/// <summary>The dashboard is same-origin only: no CORS answer, no inline script allowed or used.</summary>
public sealed partial class DashboardHeaderTests
{
    private const string Email = "ops@example.com";
    private const string Password = "a long enough dashboard password";
    private static readonly Dictionary<string, string?> Admin = new() { ["LATCHKEY_ADMIN_EMAIL"] = Email, ["LATCHKEY_ADMIN_PASSWORD"] = Password };

    [Fact]
    public async Task Dashboard_AnswersNoCors_WhileTheApiKeepsItsStar()
    {
        await using var app = await Server.StartAsync(Admin);
        using var browser = new DashboardLoginBrowser(app, new() { ["Origin"] = "https://evil.example" });
        await browser.LogInAsync(Email, Password);

        var page = await browser.Client.GetAsync("/dashboard/dev/connections", Server.Cancellation);
        using var api = new HttpRequestMessage(HttpMethod.Get, "/providers");
        api.Headers.Add("Origin", "https://evil.example");
        api.Headers.Authorization = new("Bearer", app.SecretKey);
        var apiAnswer = await app.Http.SendAsync(api, Server.Cancellation);

        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        Assert.False(page.Headers.Contains("Access-Control-Allow-Origin"));
        Assert.Equal("*", apiAnswer.Headers.GetValues("Access-Control-Allow-Origin").Single());
    }

    [Fact]
    public async Task EveryPage_HasAScriptPolicyWithoutUnsafeInline_AndNoInlineScript()
    {
        await using var app = await Server.StartAsync(Admin);
        await app.CreateIntegrationAsync("fake-apikey");
        using var browser = new DashboardLoginBrowser(app);
        await browser.LogInAsync(Email, Password);
        var token = await browser.FormTokenAsync("/dashboard/dev/connections/share");
        var share = await browser.Client.PostAsync("/dashboard/dev/connections/share", new FormUrlEncodedContent(
            [KeyValuePair.Create("__RequestVerificationToken", token), KeyValuePair.Create("end_user_id", "u1"), KeyValuePair.Create("integration", "fake-apikey")]),
            Server.Cancellation);
        var shareHtml = await share.Content.ReadAsStringAsync(Server.Cancellation);

        foreach (var path in new[] { "/dashboard/login", "/dashboard/dev/connections", "/dashboard/dev/connections/share", "/dashboard/dev/integrations", "/dashboard/dev/settings" })
        {
            var page = await browser.Client.GetAsync(path, Server.Cancellation);
            var policy = page.Headers.GetValues("Content-Security-Policy").Single();
            var scripts = ScriptSource().Match(policy).Groups[1].Value;
            Assert.DoesNotContain("unsafe-inline", scripts, StringComparison.Ordinal);
            AssertNoInlineScript(await page.Content.ReadAsStringAsync(Server.Cancellation));
        }

        Assert.Contains("id=\"copy-link\"", shareHtml, StringComparison.Ordinal);
        AssertNoInlineScript(shareHtml);
        var script = await browser.Client.GetAsync("/dashboard/assets/dashboard.js", Server.Cancellation);
        Assert.Equal(HttpStatusCode.OK, script.StatusCode);
        Assert.Contains("data-copy", await script.Content.ReadAsStringAsync(Server.Cancellation), StringComparison.Ordinal);
    }

    [Fact]
    public async Task EveryPage_LogsNoWarning_AndCachesNothing()
    {
        await using var app = await Server.StartAsync(Admin);
        await app.CreateIntegrationAsync("fake-apikey");
        using var browser = new DashboardLoginBrowser(app);
        await browser.LogInAsync(Email, Password);
        var before = app.Logs.Lines.Count;

        foreach (var path in new[] { "/dashboard/login", "/dashboard/dev/connections", "/dashboard/dev/connections/share", "/dashboard/dev/integrations",
            "/dashboard/dev/integrations/new", "/dashboard/dev/integrations/fake-apikey", "/dashboard/dev/settings", "/dashboard/dev/logs", "/dashboard/dev/webhooks" })
        {
            var page = await browser.Client.GetAsync(path, Server.Cancellation);
            Assert.Equal(HttpStatusCode.OK, page.StatusCode);
            Assert.True(page.Headers.CacheControl is { NoStore: true, NoCache: true }, $"{path}: {page.Headers.CacheControl}");
        }

        // Antiforgery warned on every page whose Cache-Control it had to override.
        Assert.DoesNotContain(app.Logs.Lines.Skip(before), line => line.StartsWith("Warning", StringComparison.Ordinal) || line.StartsWith("Error", StringComparison.Ordinal));
    }

    [Fact]
    public async Task SettingsPage_FramesOnlyThisServer_AndPreviewsItsConnectUiWithTheSavedStrings()
    {
        await using var app = await Server.StartAsync(Admin);
        using var strings = new StringContent("""{"connect_ui":{"strings":{"en":{"form.submit":"Link <account>"}}}}""", System.Text.Encoding.UTF8, "application/json");
        Assert.Equal(HttpStatusCode.OK, (await app.Backend.PatchAsync("/environment", strings, Server.Cancellation)).StatusCode);
        using var browser = new DashboardLoginBrowser(app);
        await browser.LogInAsync(Email, Password);

        var page = await browser.Client.GetAsync("/dashboard/dev/settings", Server.Cancellation);
        var html = await page.Content.ReadAsStringAsync(Server.Cancellation);

        var policy = page.Headers.GetValues("Content-Security-Policy").Single();
        Assert.Contains("frame-src 'self';", policy, StringComparison.Ordinal);
        Assert.Contains("frame-ancestors 'none'", policy, StringComparison.Ordinal);
        var frame = Assert.Single(PreviewFrame().Matches(html));
        Assert.Equal("/connect-ui/?preview=true&embedded=true&lang=en", WebUtility.HtmlDecode(frame.Groups["src"].Value));
        var previewStrings = System.Text.Json.Nodes.JsonNode.Parse(WebUtility.HtmlDecode(frame.Groups["strings"].Value));
        Assert.Equal("Link <account>", previewStrings?["en"]?["form.submit"]?.GetValue<string>());
        Assert.DoesNotContain("Link <account>", html, StringComparison.Ordinal); // encoded in the attribute, never markup
    }

    private static void AssertNoInlineScript(string html)
    {
        Assert.DoesNotMatch(InlineHandler(), html);
        Assert.DoesNotMatch(InlineScript(), html);
    }

    [GeneratedRegex("""<iframe id="connect-ui-preview"[^>]*\ssrc="(?<src>[^"]*)"[^>]*\sdata-strings="(?<strings>[^"]*)""")]
    private static partial Regex PreviewFrame();

    [GeneratedRegex("script-src ([^;]*)")]
    private static partial Regex ScriptSource();

    [GeneratedRegex(@"\son[a-z]+\s*=", RegexOptions.IgnoreCase)]
    private static partial Regex InlineHandler();

    [GeneratedRegex(@"<script(?![^>]*\ssrc=)[^>]*>", RegexOptions.IgnoreCase)]
    private static partial Regex InlineScript();
}
