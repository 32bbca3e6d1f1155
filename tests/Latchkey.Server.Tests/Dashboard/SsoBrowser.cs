using System.Net;

namespace Latchkey.Server.Tests.Dashboard;

/// <summary>
/// A cookie-keeping client that signs in with single sign-on as a browser does: the login page's button, the
/// provider's authorize page, the callback, the page after it, the dashboard, following each redirect itself so a
/// test can see (and send elsewhere) every step.
/// </summary>
internal sealed class SsoBrowser : IDisposable
{
    private readonly TestApp _app;
    private readonly HttpClient _client = new(new HttpClientHandler { AllowAutoRedirect = false, CookieContainer = new CookieContainer(), UseCookies = true });

    public SsoBrowser(TestApp app) => _app = app;

    public HttpClient Client => _client;

    /// <summary>Every URL opened, in order.</summary>
    public List<string> Visited { get; } = [];

    /// <summary>Clicks "Sign in with …" on the login page, then follows the redirects; the callback may be sent to another instance.</summary>
    public async Task<(HttpResponseMessage Response, string Body)> SignInAsync(TestApp? finishOn = null)
    {
        var login = await _client.GetStringAsync(_app.BaseUrl + "/dashboard/login", Server.Cancellation);
        Assert.Contains("id=\"sso\"", login, StringComparison.Ordinal);
        return await FollowAsync(_app.BaseUrl + "/dashboard/sso", finishOn);
    }

    /// <summary>Opens a URL and follows redirects, then the page after the callback (a meta refresh in a browser).</summary>
    public async Task<(HttpResponseMessage Response, string Body)> FollowAsync(string url, TestApp? finishOn = null)
    {
        for (var hops = 0; hops < 12; hops++)
        {
            if (finishOn is not null && url.StartsWith(_app.BaseUrl + "/dashboard/sso/callback", StringComparison.Ordinal))
            {
                url = finishOn.BaseUrl + url[_app.BaseUrl.Length..];
            }

            Visited.Add(url);
            var response = await _client.GetAsync(url, Server.Cancellation);
            var body = await response.Content.ReadAsStringAsync(Server.Cancellation);
            if (response.StatusCode is HttpStatusCode.Redirect or HttpStatusCode.Found or HttpStatusCode.SeeOther && response.Headers.Location is { } location)
            {
                url = new Uri(new Uri(url), location).ToString();
                continue;
            }

            if (body.Contains("http-equiv=\"refresh\"", StringComparison.Ordinal) && System.Text.RegularExpressions.Regex.Match(body, "content=\"0;url=([^\"]+)\"") is { Success: true } refresh)
            {
                url = new Uri(new Uri(url), WebUtility.HtmlDecode(refresh.Groups[1].Value)).ToString();
                continue;
            }

            return (response, body);
        }

        throw new InvalidOperationException("Too many redirects: " + string.Join(" → ", Visited));
    }

    public void Dispose() => _client.Dispose();
}
