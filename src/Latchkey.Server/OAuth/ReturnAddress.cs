using Latchkey.Server.Hosting;
using Latchkey.Server.Hosting.Validation;
using Microsoft.AspNetCore.WebUtilities;

namespace Latchkey.Server.OAuth;

/// <summary>
/// Redirect mode of an OAuth flow (issue 19): with <c>return_to</c> on <c>/oauth/connect</c> the whole page goes to
/// the provider and the callback sends it back to that address with the outcome in its query — no popup, no
/// WebSocket. The address must be on the Connect UI's origin or one of the environment's allowed origins, so the
/// callback is never an open redirect; and the outcome it carries is never a secret.
/// </summary>
public static class ReturnAddress
{
    public const string QueryKey = "return_to";

    // Query keys of a connect link: a return address that carries a session token would store it with the flow.
    private static readonly string[] TokenKeys = ["session_token", "connect_session_token"];
    private const int MaxMessage = 300;

    /// <summary>The request's return address: null without one (popup mode), else the checked URL or why it is refused.</summary>
    public static Outcome<string?> Check(string? value, IReadOnlyList<string> allowedOrigins, string connectUiUrl)
    {
        if (value is null)
        {
            return (string?)null;
        }

        if (value.Length > InputLimits.Url || !HttpUrls.IsHttpUrl(value))
        {
            return Refuse("return_to must be an absolute http(s) URL of at most 2048 characters, without user info.");
        }

        var url = new Uri(value);
        var origin = url.GetLeftPart(UriPartial.Authority);
        if (!string.Equals(origin, new Uri(connectUiUrl).GetLeftPart(UriPartial.Authority), StringComparison.OrdinalIgnoreCase) &&
            !allowedOrigins.Contains(origin, StringComparer.OrdinalIgnoreCase))
        {
            return Refuse($"return_to's origin {origin} is not one of the environment's allowed origins (Settings → allowed origins).");
        }

        if (QueryHelpers.ParseQuery(url.Query).Keys.Any(key => TokenKeys.Contains(key, StringComparer.Ordinal)))
        {
            return Refuse("return_to must not carry a session token: it is stored with the flow.");
        }

        return value;
    }

    /// <summary>Back to the return address with the saved connection.</summary>
    public static IResult Success(string returnTo, string integrationKey, string connectionId, bool isPending)
    {
        var outcome = new Dictionary<string, string?>
        {
            ["latchkey_result"] = "success",
            ["connection_id"] = connectionId,
            ["provider_config_key"] = integrationKey,
        };
        if (isPending)
        {
            outcome["is_pending"] = "true";
        }

        return new SeeOther(QueryHelpers.AddQueryString(returnTo, outcome));
    }

    /// <summary>Back to the return address with the error type and its human message (never a secret, as on the result page).</summary>
    public static IResult Failure(string returnTo, string integrationKey, ApiError error)
    {
        var message = error.Message ?? "The connection could not be made.";
        return new SeeOther(QueryHelpers.AddQueryString(returnTo, new Dictionary<string, string?>
        {
            ["latchkey_result"] = "error",
            ["error_type"] = error.Code,
            ["error_message"] = message.Length > MaxMessage ? message[..MaxMessage] + "…" : message,
            ["provider_config_key"] = integrationKey,
        }));
    }

    private static ApiError Refuse(string message) =>
        new ApiError(StatusCodes.Status400BadRequest, ErrorCodes.InvalidQueryParams, message)
        {
            Errors = [new ValidationIssue(IssueCodes.Custom, message, [QueryKey])],
            AlwaysJson = true,
        };

    // 303: the browser follows with a GET whatever the request was. The API's Referrer-Policy (strict-origin) applies.
    private sealed class SeeOther(string location) : IResult
    {
        public Task ExecuteAsync(HttpContext httpContext)
        {
            var response = httpContext.Response;
            response.StatusCode = StatusCodes.Status303SeeOther;
            response.Headers.Location = location;
            response.Headers.CacheControl = "no-store";
            return Task.CompletedTask;
        }
    }
}
