using Microsoft.AspNetCore.Diagnostics;

namespace Latchkey.Server.Hosting;

/// <summary>The wire rules every request and response obeys (spec §10): content types, security headers, failures.</summary>
public static class RequestRules
{
    private static readonly string[] JsonRoutePrefixes =
    [
        "/api-auth", "/auth", "/providers", "/integrations", "/connection", "/connect/", "/environment", "/oauth/connect",
    ];

    /// <summary>JSON routes refuse a present Content-Type that is not JSON (415), before anything reads the body.</summary>
    public static async Task RequireJsonContentType(HttpContext context, RequestDelegate next)
    {
        var contentType = context.Request.ContentType;
        if (contentType is not null && IsJsonRoute(context.Request.Path) &&
            !contentType.StartsWith("application/json", StringComparison.OrdinalIgnoreCase))
        {
            await new ApiError(StatusCodes.Status415UnsupportedMediaType, ErrorCodes.InvalidContentType,
                "This endpoint accepts only application/json bodies.").ExecuteAsync(context);
            return;
        }

        await next(context);
    }

    /// <summary>API security headers (spec §10.2). The Connect UI sets its own: it must stay frameable.</summary>
    public static Task AddSecurityHeaders(HttpContext context, RequestDelegate next)
    {
        var path = context.Request.Path;
        context.Response.OnStarting(() =>
        {
            var headers = context.Response.Headers;
            headers.XContentTypeOptions = "nosniff";
            headers["Referrer-Policy"] = "strict-origin";
            if (!path.StartsWithSegments("/connect-ui") && !path.StartsWithSegments("/oauth"))
            {
                headers.XFrameOptions = "SAMEORIGIN";
            }

            if (context.Request.IsHttps)
            {
                headers.StrictTransportSecurity = "max-age=5184000";
            }

            return Task.CompletedTask;
        });
        return next(context);
    }

    /// <summary>An unhandled exception becomes 500 <c>generic_error_support</c> with an id to quote; the log has the rest.</summary>
    public static async Task WriteUnhandledError(HttpContext context)
    {
        var feature = context.Features.Get<IExceptionHandlerFeature>();
        var errorId = Guid.NewGuid().ToString();
        var logger = context.RequestServices.GetRequiredService<ILoggerFactory>().CreateLogger("Latchkey.Server.Unhandled");
        logger.LogError(feature?.Error, "Unhandled error {ErrorId} on {Method} {Path}", errorId, context.Request.Method, context.Request.Path.Value);
        // The exception handler forgets the endpoint; put it back so an endpoint with a failure page still gets it.
        if (feature?.Endpoint is { } endpoint)
        {
            context.SetEndpoint(endpoint);
        }

        await new ApiError(StatusCodes.Status500InternalServerError, ErrorCodes.GenericErrorSupport,
            $"An unexpected error occurred. Quote error id {errorId} when asking for support.")
        { Payload = errorId }.ExecuteAsync(context);
    }

    /// <summary>Bodiless framework answers (unknown route, wrong method) still get the error envelope.</summary>
    public static Task WriteStatusEnvelope(HttpContext context)
    {
        var (code, message) = context.Response.StatusCode switch
        {
            StatusCodes.Status404NotFound => (ErrorCodes.NotFound, $"No route matches {context.Request.Method} {context.Request.Path}."),
            StatusCodes.Status405MethodNotAllowed => (ErrorCodes.MethodNotAllowed, $"{context.Request.Method} is not allowed on {context.Request.Path}."),
            StatusCodes.Status413PayloadTooLarge => (ErrorCodes.PayloadTooLarge, "The request body is larger than the server accepts."),
            _ => (ErrorCodes.InvalidRequest, "The request could not be processed."),
        };
        return new ApiError(context.Response.StatusCode, code, message).ExecuteAsync(context);
    }

    private static bool IsJsonRoute(PathString path)
    {
        foreach (var prefix in JsonRoutePrefixes)
        {
            if (path.StartsWithSegments(prefix.TrimEnd('/'), StringComparison.OrdinalIgnoreCase))
            {
                return true;
            }
        }

        return false;
    }
}
