namespace Latchkey.Server.Hosting;

/// <summary>
/// Endpoint metadata of a page that a browser opens while a script waits for its outcome (the OAuth popup's
/// <c>/oauth/connect</c>). Every failure of such a request — authentication, rate limit, validation, an unexpected
/// error — is written by <see cref="WriteAsync"/> instead of as the JSON envelope, which nobody would read: a popup
/// showing raw JSON leaves the waiting <c>auth()</c> pending forever.
/// </summary>
public sealed record FailurePage(Func<HttpContext, ApiError, Task> WriteAsync)
{
    /// <summary>The failure page of the request's endpoint, or null when its failures are JSON.</summary>
    public static FailurePage? For(HttpContext context) => context.GetEndpoint()?.Metadata.GetMetadata<FailurePage>();
}
