using System.Net;
using System.Text;

namespace Latchkey.Server.Demo;

/// <summary>The demo provider over HTTP, under <c>/demo-provider</c>: what a browser (the OAuth popup) and curl reach.</summary>
public static class DemoEndpoints
{
    private const string PageSecurity = "default-src 'none'; style-src 'unsafe-inline'; frame-ancestors 'none'; base-uri 'none'";

    public static IResult Home() => Page(HttpStatusCode.OK, "Latchkey demo provider", """
        <p>This is the demo provider built into Latchkey, for trying it without a real account or the internet. Nothing
        here is real: it accepts made-up API keys of the form <code>demo_12345678</code> (<code>demo_</code> and 8 or more
        letters or digits) and runs an OAuth 2 sign-in that you approve with one click.</p>
        <p>Add the <code>latchkey-demo</code> or <code>latchkey-demo-oauth</code> integration to try it; turn it off with
        <code>LATCHKEY_DEMO_PROVIDER=false</code>.</p>
        """);

    public static IResult Me(HttpRequest request) => Json(DemoProvider.Me(request.Headers.Authorization));

    public static IResult Authorize(HttpRequest request, DemoProvider demo)
    {
        var query = request.Query.ToDictionary(pair => pair.Key, pair => pair.Value.ToString(), StringComparer.Ordinal);
        if (demo.Refusal(query) is { } refusal)
        {
            return Page(HttpStatusCode.BadRequest, "This sign-in cannot go on", $"<p>{WebUtility.HtmlEncode(refusal)}</p>");
        }

        var hidden = new StringBuilder();
        foreach (var name in new[] { "state", "code_challenge", "code_challenge_method", "scope" })
        {
            if (query.TryGetValue(name, out var value))
            {
                hidden.Append(System.Globalization.CultureInfo.InvariantCulture, $"""<input type="hidden" name="{name}" value="{WebUtility.HtmlEncode(value)}">""");
            }
        }

        return Page(HttpStatusCode.OK, "Allow access to your demo account?", $"""
            <p>Latchkey asks to connect your account on the demo provider. The account is made up; approving stores only
            a made-up token.</p>
            <form method="post" action="authorize">{hidden}
              <button type="submit" name="decision" value="approve">Approve</button>
              <button type="submit" name="decision" value="deny" class="secondary">Deny</button>
            </form>
            """);
    }

    public static async Task<IResult> DecideAsync(HttpRequest request, DemoProvider demo)
    {
        var form = await ReadFormAsync(request);
        return Results.Redirect(demo.Decide(form, form.GetValueOrDefault("decision") == "approve"));
    }

    public static async Task<IResult> TokenAsync(HttpRequest request, DemoProvider demo) =>
        Json(demo.Token(await ReadFormAsync(request), request.Headers.Authorization));

    private static async Task<Dictionary<string, string>> ReadFormAsync(HttpRequest request) =>
        request.HasFormContentType
            ? (await request.ReadFormAsync(request.HttpContext.RequestAborted)).ToDictionary(pair => pair.Key, pair => pair.Value.ToString(), StringComparer.Ordinal)
            : [];

    private static IResult Json(DemoAnswer answer) => Results.Json(answer.Body, statusCode: answer.Status);

    private static DemoPage Page(HttpStatusCode status, string title, string body) => new DemoPage((int)status, $$"""
        <!doctype html>
        <html lang="en">
        <head>
        <meta charset="utf-8">
        <meta name="viewport" content="width=device-width, initial-scale=1">
        <title>{{title}} · Latchkey demo provider</title>
        <style>
          body { font: 16px/1.5 system-ui, sans-serif; margin: 0; padding: 32px 16px; color: #111827; background: #f3f4f6; }
          main { max-width: 440px; margin: 0 auto; background: #fff; border-radius: 12px; padding: 24px; box-shadow: 0 8px 24px rgb(0 0 0 / 0.08); }
          .badge { display: inline-block; font-size: 13px; font-weight: 600; color: #92400e; background: #fef3c7; border-radius: 999px; padding: 2px 10px; }
          h1 { font-size: 20px; margin: 12px 0; }
          button { font: inherit; padding: 10px 18px; border-radius: 8px; border: 0; background: #2563eb; color: #fff; cursor: pointer; margin: 8px 8px 0 0; }
          button.secondary { background: #e5e7eb; color: #111827; }
          code { background: #f3f4f6; padding: 1px 4px; border-radius: 4px; }
        </style>
        </head>
        <body><main>
        <p class="badge">Demo provider · nothing here is real</p>
        <h1>{{title}}</h1>
        {{body}}
        </main></body>
        </html>
        """);

    private sealed class DemoPage(int status, string html) : IResult
    {
        public Task ExecuteAsync(HttpContext httpContext)
        {
            httpContext.Response.StatusCode = status;
            httpContext.Response.ContentType = "text/html; charset=utf-8";
            httpContext.Response.Headers.ContentSecurityPolicy = PageSecurity;
            httpContext.Response.Headers.CacheControl = "no-store";
            return httpContext.Response.WriteAsync(html, httpContext.RequestAborted);
        }
    }
}
