using System.Net;
using System.Text.RegularExpressions;

namespace Latchkey.Server.Tests.Dashboard;

/// <summary>A cookie-keeping client that fills in the dashboard's login form as a browser would.</summary>
internal sealed partial class DashboardLoginBrowser(TestApp app, Dictionary<string, string>? headers = null) : IDisposable
{
    private readonly HttpClient _client = Create(app, headers);

    public HttpClient Client => _client;

    public async Task<HttpResponseMessage> LogInAsync(string email, string password)
    {
        var html = await _client.GetStringAsync("/dashboard/login", Server.Cancellation);
        var token = AntiforgeryField().Match(html).Groups[1].Value;
        return await _client.PostAsync("/dashboard/login", new FormUrlEncodedContent(
            [KeyValuePair.Create("__RequestVerificationToken", token), KeyValuePair.Create("email", email), KeyValuePair.Create("password", password)]),
            Server.Cancellation);
    }

    /// <summary>The antiforgery token of a page, for its forms.</summary>
    public async Task<string> FormTokenAsync(string path) =>
        AntiforgeryField().Match(await _client.GetStringAsync(path, Server.Cancellation)).Groups[1].Value;

    /// <summary>Opens a page with only the given cookie, as a stolen or copied cookie would be used.</summary>
    public static async Task<HttpStatusCode> OpenWithCookieAsync(TestApp app, string cookie, string path = "/dashboard/dev/connections")
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, path);
        request.Headers.Add("Cookie", cookie);
        using var client = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false, UseCookies = false }) { BaseAddress = new Uri(app.BaseUrl) };
        return (await client.SendAsync(request, Server.Cancellation)).StatusCode;
    }

    public static string SessionCookie(HttpResponseMessage login) =>
        login.Headers.GetValues("Set-Cookie").Single(c => c.StartsWith("lk_dashboard=", StringComparison.Ordinal)).Split(';')[0];

    public void Dispose() => _client.Dispose();

    private static HttpClient Create(TestApp app, Dictionary<string, string>? headers)
    {
        var client = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false, CookieContainer = new CookieContainer(), UseCookies = true })
        {
            BaseAddress = new Uri(app.BaseUrl),
        };
        foreach (var (name, value) in headers ?? [])
        {
            client.DefaultRequestHeaders.Add(name, value);
        }

        return client;
    }

    [GeneratedRegex("name=\"__RequestVerificationToken\" value=\"([^\"]+)\"")]
    private static partial Regex AntiforgeryField();
}
