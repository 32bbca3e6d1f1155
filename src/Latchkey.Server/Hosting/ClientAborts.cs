namespace Latchkey.Server.Hosting;

/// <summary>
/// A request the client broke off or sent malformed (it disconnected mid-body, "Unexpected end of request content",
/// or its body ran past the limit) is the client's doing, not a server fault: one Debug line, no stack trace, instead
/// of the unhandled-error path that logs it twice as an error. A client still listening gets the error envelope
/// with the status Kestrel chose; one that has gone gets nothing (499 in the server's own records).
/// </summary>
public static class ClientAborts
{
    public const string Category = "Latchkey.Server.ClientAborts";

    public static async Task Catch(HttpContext context, RequestDelegate next)
    {
        try
        {
            await next(context);
        }
        catch (Exception exception) when (IsClientsDoing(context, exception))
        {
            var gone = context.RequestAborted.IsCancellationRequested;
            context.RequestServices.GetRequiredService<ILoggerFactory>().CreateLogger(Category).LogDebug(
                "Request {Method} {Path} cut short by the client: {Reason}", context.Request.Method, context.Request.Path.Value, exception.Message);
            if (gone || context.Response.HasStarted)
            {
                context.Response.StatusCode = context.Response.HasStarted ? context.Response.StatusCode : StatusCodes.Status499ClientClosedRequest;
                return;
            }

            var status = ((BadHttpRequestException)exception).StatusCode;
            await AnswerAsync(context, status switch
            {
                StatusCodes.Status413PayloadTooLarge => new ApiError(status, ErrorCodes.PayloadTooLarge, "The request body is larger than the server accepts."),
                _ => new ApiError(status, ErrorCodes.InvalidRequest, "The request could not be read: " + exception.Message),
            });
        }
    }

    // Kestrel's BadHttpRequestException derives from the public one; reads and writes on a connection the client
    // closed end in OperationCanceledException or IOException (ConnectionResetException is one) once RequestAborted fired.
    private static bool IsClientsDoing(HttpContext context, Exception exception) =>
        exception is BadHttpRequestException ||
        (exception is OperationCanceledException or IOException && context.RequestAborted.IsCancellationRequested);

    private static async Task AnswerAsync(HttpContext context, ApiError error)
    {
        try
        {
            await error.ExecuteAsync(context);
        }
        catch (Exception exception) when (exception is OperationCanceledException or IOException)
        {
            // The client left while the answer was written: nothing more to tell it.
        }
    }
}
