using System.Net;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;

namespace Latchkey.Server.OAuth;

/// <summary>
/// The HTML page that ends an OAuth flow in the popup (spec §5.7). It tells <c>window.opener</c> (the Connect UI,
/// when it opened the popup) the outcome, closes itself on the ack (or after 500 ms on success), and shows a short
/// human message. The SDK learns the outcome from its WebSocket, not from here.
/// </summary>
public static class ResultPage
{
    public static IResult Success(string providerName) =>
        Render(StatusCodes.Status200OK, "Connected", $"Your {providerName} account is connected. You can close this window.", message: null);

    /// <param name="errorType">The precise error type (DESIGN decision 13), also sent on the WebSocket.</param>
    /// <param name="message">Human text; never contains a secret.</param>
    public static IResult Failure(string errorType, string message) =>
        Render(StatusCodes.Status400BadRequest, "Connection failed", message, new { message, errorType });

    private const string Style = "body{font:16px/1.5 system-ui,-apple-system,'Segoe UI',sans-serif;display:grid;place-items:center;min-height:100vh;"
        + "margin:0;color:#111;background:#fff} @media (prefers-color-scheme:dark){body{color:#eee;background:#111}} main{max-width:28rem;padding:2rem;text-align:center}";

    private static PageResult Render(int status, string title, string text, object? message)
    {
        var nonce = Convert.ToBase64String(RandomNumberGenerator.GetBytes(16));
        var payload = message is null
            ? """{"type":"nango_oauth_callback_success"}"""
            : JsonSerializer.Serialize(new { type = "nango_oauth_callback_error", payload = message });
        var html = $$"""
            <!doctype html>
            <html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
            <meta name="referrer" content="no-referrer"><title>{{WebUtility.HtmlEncode(title)}}</title>
            <style>{{Style}}</style></head>
            <body><main><h1>{{WebUtility.HtmlEncode(title)}}</h1><p>{{WebUtility.HtmlEncode(text)}}</p></main>
            <script nonce="{{nonce}}">
            (function () {
              var message = {{ScriptSafe(payload)}};
              function closeSelf() { try { window.close(); } catch (e) {} try { window.open('', '_self').close(); } catch (e) {} }
              window.addEventListener('message', function (event) {
                if (event.data && event.data.type === 'nango_oauth_callback_ack') closeSelf();
              });
              try { if (window.opener) window.opener.postMessage(message, '*'); } catch (e) {}
              try { var channel = new BroadcastChannel('nango-oauth-callback'); channel.postMessage(message); channel.close(); } catch (e) {}
              if (message.type === 'nango_oauth_callback_success') setTimeout(closeSelf, 500);
            })();
            </script></body></html>
            """;
        return new PageResult(status, html, nonce);
    }

    // JSON inside a <script>: escape what could end the script or break the literal (<, >, &, U+2028/2029).
    private static string ScriptSafe(string json)
    {
        var builder = new StringBuilder(json.Length);
        foreach (var c in json)
        {
            builder.Append(c switch
            {
                '<' => "\\u003c",
                '>' => "\\u003e",
                '&' => "\\u0026",
                '\u2028' => "\\u2028",
                '\u2029' => "\\u2029",
                _ => c.ToString(),
            });
        }

        return builder.ToString();
    }

    private sealed class PageResult(int status, string html, string nonce) : IResult
    {
        public Task ExecuteAsync(HttpContext httpContext)
        {
            var response = httpContext.Response;
            response.StatusCode = status;
            response.ContentType = "text/html; charset=utf-8";
            response.Headers.CacheControl = "no-store";
            // No Cross-Origin-Opener-Policy: it would sever window.opener, which the Connect UI relies on (spec §5.7).
            response.Headers.ContentSecurityPolicy = $"default-src 'none'; style-src 'unsafe-inline'; script-src 'nonce-{nonce}'; base-uri 'none'; form-action 'none'";
            return response.WriteAsync(html, httpContext.RequestAborted);
        }
    }
}
