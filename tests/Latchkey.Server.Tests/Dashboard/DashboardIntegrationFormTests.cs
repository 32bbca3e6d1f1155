using System.Net;

namespace Latchkey.Server.Tests.Dashboard;

/// <summary>Creating and editing integrations in the dashboard asks for what the provider's auth mode needs, with the API's rules.</summary>
public sealed class DashboardIntegrationFormTests
{
    private const string Email = "ops@example.com";
    private const string Password = "a long enough dashboard password";
    private static readonly Dictionary<string, string?> Admin = new() { ["LATCHKEY_ADMIN_EMAIL"] = Email, ["LATCHKEY_ADMIN_PASSWORD"] = Password };

    [Theory]
    [InlineData("fake-oauth2", "client_id,client_secret,scopes", "app_id")]
    [InlineData("fake-github-app", "app_id,app_link,private_key", "client_id")]
    [InlineData("fake-github-app-oauth", "client_id,client_secret,app_id,app_link,private_key", "scopes")]
    [InlineData("fake-mcp", "client_id,client_secret,scopes", "app_id")]
    [InlineData("fake-apikey", "", "client_id")]
    public async Task NewForm_AsksForTheFieldsOfTheAuthMode(string provider, string asked, string notAsked)
    {
        await using var app = await Server.StartAsync(Admin);
        using var browser = await LoggedInAsync(app);

        var html = await browser.Client.GetStringAsync($"/dashboard/dev/integrations/new/{provider}", Server.Cancellation);

        Assert.Contains($"name=\"unique_key\" type=\"text\" value=\"{provider}\"", html, StringComparison.Ordinal);
        foreach (var field in asked.Split(',', StringSplitOptions.RemoveEmptyEntries))
        {
            Assert.Contains($"name=\"{field}\"", html, StringComparison.Ordinal);
        }

        Assert.DoesNotContain($"name=\"{notAsked}\"", html, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Create_OAuthWithoutClientIdAndSecret_IsRefusedInTheForm_AndStoresNothing()
    {
        await using var app = await Server.StartAsync(Admin);
        using var browser = await LoggedInAsync(app);

        var response = await PostAsync(browser, "/dashboard/dev/integrations/new/fake-oauth2", "/dashboard/dev/integrations",
            ("provider", "fake-oauth2"), ("unique_key", "my-oauth"));
        var html = await response.Content.ReadAsStringAsync(Server.Cancellation);
        var listed = await (await app.Backend.GetAsync("/integrations", Server.Cancellation)).JsonAsync();

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("id=\"client_id-error\" class=\"field-error\">Client id is required.", html, StringComparison.Ordinal);
        Assert.Contains("id=\"client_secret-error\" class=\"field-error\">Client secret is required.", html, StringComparison.Ordinal);
        Assert.Contains("aria-describedby=\"client_id-hint client_id-error\"", html, StringComparison.Ordinal);
        Assert.Contains("value=\"my-oauth\"", html, StringComparison.Ordinal);
        Assert.Empty(listed["data"]!.AsArray());
    }

    [Fact]
    public async Task Create_OAuthWithCredentials_StoresThem_WithScopesAsTheApiWantsThem()
    {
        await using var app = await Server.StartAsync(Admin);
        using var browser = await LoggedInAsync(app);

        var response = await PostAsync(browser, "/dashboard/dev/integrations/new/fake-oauth2", "/dashboard/dev/integrations",
            ("provider", "fake-oauth2"), ("unique_key", "my-oauth"), ("client_id", "cid-1"), ("client_secret", "csecret-1"), ("scopes", "read, write  admin"));
        var stored = (await (await app.Backend.GetAsync("/integrations/my-oauth?include=credentials", Server.Cancellation)).JsonAsync())["data"]!;

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.Equal("cid-1", stored["credentials"]!["client_id"]!.GetValue<string>());
        Assert.Equal("csecret-1", stored["credentials"]!["client_secret"]!.GetValue<string>());
        Assert.Equal("read,write,admin", stored["credentials"]!["scopes"]!.GetValue<string>());
        Assert.DoesNotContain(app.Logs.Lines, line => line.Contains("csecret-1", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Create_ATakenKey_IsRefusedNextToTheKey()
    {
        await using var app = await Server.StartAsync(Admin);
        await app.CreateIntegrationAsync("fake-apikey", "taken");
        using var browser = await LoggedInAsync(app);

        var response = await PostAsync(browser, "/dashboard/dev/integrations/new/fake-apikey", "/dashboard/dev/integrations",
            ("provider", "fake-apikey"), ("unique_key", "taken"));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("id=\"unique_key-error\" class=\"field-error\">An integration with the key &#x27;taken&#x27; exists already",
            await response.Content.ReadAsStringAsync(Server.Cancellation), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Catalog_ProviderAlreadyAdded_ShowsAddedWithALinkToIt_AndAnotherGetsAFreeKey()
    {
        await using var app = await Server.StartAsync(Admin);
        await app.CreateIntegrationAsync("fake-apikey");
        using var browser = await LoggedInAsync(app);

        var catalog = await browser.Client.GetStringAsync("/dashboard/dev/integrations/new?q=fake+api+key", Server.Cancellation);
        var another = await browser.Client.GetStringAsync("/dashboard/dev/integrations/new/fake-apikey", Server.Cancellation);

        Assert.Contains("href=\"/dashboard/dev/integrations/fake-apikey\" data-open=\"fake-apikey\"", catalog, StringComparison.Ordinal);
        Assert.Contains(">Added<", catalog, StringComparison.Ordinal);
        Assert.Contains(">Add another<", catalog, StringComparison.Ordinal);
        Assert.Contains("href=\"/dashboard/dev/integrations/new/fake-querykey\" data-provider=\"fake-querykey\"", catalog, StringComparison.Ordinal);
        Assert.Contains("name=\"unique_key\" type=\"text\" value=\"fake-apikey-2\"", another, StringComparison.Ordinal);
        Assert.Contains("id=\"already-added\"", another, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Edit_BlankSecret_KeepsTheStoredOne_AndABlankClientIdIsRefused()
    {
        await using var app = await Server.StartAsync(Admin);
        await app.CreateIntegrationAsync("fake-oauth2", "my-oauth", new { type = "OAUTH2", client_id = "cid-1", client_secret = "csecret-1" });
        using var browser = await LoggedInAsync(app);

        var saved = await PostAsync(browser, "/dashboard/dev/integrations/my-oauth", "/dashboard/dev/integrations/my-oauth",
            ("client_id", "cid-2"), ("client_secret", ""), ("scopes", "read"));
        var refused = await PostAsync(browser, "/dashboard/dev/integrations/my-oauth", "/dashboard/dev/integrations/my-oauth",
            ("client_id", ""), ("client_secret", ""));
        var stored = (await (await app.Backend.GetAsync("/integrations/my-oauth?include=credentials", Server.Cancellation)).JsonAsync())["data"]!;

        Assert.Equal(HttpStatusCode.Redirect, saved.StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);
        Assert.Contains("Client id is required.", await refused.Content.ReadAsStringAsync(Server.Cancellation), StringComparison.Ordinal);
        Assert.Equal("cid-2", stored["credentials"]!["client_id"]!.GetValue<string>());
        Assert.Equal("csecret-1", stored["credentials"]!["client_secret"]!.GetValue<string>());
        Assert.Equal("read", stored["credentials"]!["scopes"]!.GetValue<string>());
    }

    private static async Task<DashboardLoginBrowser> LoggedInAsync(TestApp app)
    {
        var browser = new DashboardLoginBrowser(app);
        await browser.LogInAsync(Email, Password);
        return browser;
    }

    private static async Task<HttpResponseMessage> PostAsync(DashboardLoginBrowser browser, string formPage, string action, params (string Key, string Value)[] fields)
    {
        var token = await browser.FormTokenAsync(formPage);
        return await browser.Client.PostAsync(action, new FormUrlEncodedContent(
            [KeyValuePair.Create("__RequestVerificationToken", token), .. fields.Select(f => KeyValuePair.Create(f.Key, f.Value))]), Server.Cancellation);
    }
}
