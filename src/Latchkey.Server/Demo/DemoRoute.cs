using Microsoft.AspNetCore.WebUtilities;

namespace Latchkey.Server.Demo;

/// <summary>
/// The server's own calls to the demo provider (key verification, token exchange and refresh, proxied API calls) are
/// answered here, in the process, instead of going out over loopback: the outbound guard keeps refusing loopback
/// addresses for everyone else, and the demo works on a machine without network. Only URLs under the demo provider's
/// base are taken; every other request goes on unchanged.
/// </summary>
public sealed class DemoRoute(DemoProvider demo, string baseUrl) : DelegatingHandler
{
    private readonly Uri _base = new(baseUrl + "/");

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        if (request.RequestUri is not { } uri || !_base.IsBaseOf(uri))
        {
            return await base.SendAsync(request, cancellationToken);
        }

        var path = "/" + _base.MakeRelativeUri(uri).OriginalString.Split('?')[0];
        var authorization = request.Headers.Authorization?.ToString();
        DemoAnswer? answer = (request.Method.Method, path) switch
        {
            ("GET", "/api/me") => DemoProvider.Me(authorization),
            ("POST", "/oauth/token") => demo.Token(await ReadFormAsync(request, cancellationToken), authorization),
            _ => null,
        };
        return answer is null
            ? new HttpResponseMessage(System.Net.HttpStatusCode.NotFound) { RequestMessage = request, Content = JsonContent.Create(new { error = "not_found" }) }
            : new HttpResponseMessage((System.Net.HttpStatusCode)answer.Status) { RequestMessage = request, Content = JsonContent.Create(answer.Body) };
    }

    private static async Task<Dictionary<string, string>> ReadFormAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var body = request.Content is null ? "" : await request.Content.ReadAsStringAsync(cancellationToken);
        return QueryHelpers.ParseQuery(body).ToDictionary(pair => pair.Key, pair => pair.Value.ToString(), StringComparer.Ordinal);
    }
}
