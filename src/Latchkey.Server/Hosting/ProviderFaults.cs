namespace Latchkey.Server.Hosting;

/// <summary>
/// A provider that gave no verdict is not one that said no. Credentials checked (or a code exchanged, a token
/// refreshed) against a provider that could not be reached, or that failed on its side, must not be reported as
/// refused: the user would change a key that was fine. Both answer 502 Bad Gateway — the upstream failed, not the
/// request — with their own code, and the message says to try again later.
/// </summary>
public static class ProviderFaults
{
    /// <summary>
    /// Whether a provider's status is a failure of its own rather than a judgement of what was sent: a 5xx, a
    /// request timeout (408) or rate limiting (429).
    /// </summary>
    public static bool IsProviderFailure(int status) => status >= 500 || status is 408 or 429;

    /// <summary>Whether an error code says the provider gave no verdict (could not be reached, or failed itself).</summary>
    public static bool IsNoVerdict(string errorCode) => errorCode is ErrorCodes.ProviderUnreachable or ErrorCodes.ProviderError;

    /// <summary>What an auth log step says of a failed call to the provider: a refusal, or no verdict at all.</summary>
    public static string StepText(string errorCode) => errorCode switch
    {
        ErrorCodes.ProviderUnreachable => "the provider could not be reached; no verdict",
        ErrorCodes.ProviderError => "the provider failed on its side; no verdict",
        _ => "refused",
    };

    /// <param name="providerName">The provider's display name.</param>
    /// <param name="task">What Latchkey asked of it, completing "to …": "check these credentials".</param>
    /// <param name="reason">Why it could not be reached ("the request timed out"); never a URL or a secret.</param>
    public static ApiError Unreachable(string providerName, string task, string reason) =>
        new(StatusCodes.Status502BadGateway, ErrorCodes.ProviderUnreachable,
            $"{providerName} could not be reached to {task} ({reason}). This says nothing about the credentials; try again later.");

    /// <param name="providerName">The provider's display name.</param>
    /// <param name="task">What Latchkey asked of it, completing "to …".</param>
    /// <param name="status">The provider's HTTP status.</param>
    public static ApiError Failed(string providerName, string task, int status) =>
        new(StatusCodes.Status502BadGateway, ErrorCodes.ProviderError,
            $"{providerName} answered with an error of its own (HTTP {status}) when asked to {task}. This says nothing about the credentials; try again later.");
}
