using System.Text.Json.Nodes;
using Latchkey.Server.Hosting;
using Latchkey.Server.Outbound;
using Latchkey.Server.Providers;

namespace Latchkey.Server.CredentialEntry;

public enum VerificationOutcome
{
    /// <summary>A verification endpoint accepted the credentials.</summary>
    Verified,

    /// <summary>The provider refused them: a verification endpoint answered with a client error (401, 403…).</summary>
    Rejected,

    /// <summary>The provider failed on its side (5xx, 408, 429): no verdict on the credentials.</summary>
    ProviderFailed,

    /// <summary>The provider could not be reached (DNS, connection, TLS, timeout, outbound guard): no verdict.</summary>
    Unreachable,

    /// <summary>The provider declares no verification; credentials are saved as given (spec §5.11 step 3).</summary>
    NotDeclared,
}

/// <summary>The outcome, and for a provider without a verdict what happened ("HTTP 503", "the request timed out").</summary>
public sealed record Verification(VerificationOutcome Outcome, string? Detail = null, int Status = 0)
{
    /// <summary>What the auth log's step says.</summary>
    public string StepText => Outcome switch
    {
        VerificationOutcome.Verified => "accepted by the provider",
        VerificationOutcome.Rejected => "refused by the provider",
        VerificationOutcome.ProviderFailed => $"the provider failed ({Detail}); no verdict",
        VerificationOutcome.Unreachable => $"the provider could not be reached ({Detail}); no verdict",
        _ => "the provider declares no verification",
    };

    /// <summary>The API error of a verification that did not pass, or null when the credentials may be saved.</summary>
    public ApiError? ErrorFor(Provider provider, string refusalMessage) => Outcome switch
    {
        VerificationOutcome.Rejected => ApiError.BadRequest(CredentialVerifier.RefusalCode(provider), refusalMessage),
        VerificationOutcome.ProviderFailed => ProviderFaults.Failed(provider.DisplayName, CheckTask, Status),
        VerificationOutcome.Unreachable => ProviderFaults.Unreachable(provider.DisplayName, CheckTask, Detail ?? "no answer"),
        _ => null,
    };

    private const string CheckTask = "check these credentials";
}

/// <summary>
/// Checks candidate credentials against the provider's <c>proxy.verification</c> endpoints before they are saved.
/// One request per endpoint, in order, no retries; the first 2xx wins. When none accepts, a refusal (a client error)
/// outweighs a provider failure, which outweighs a provider that could not be reached. Logs name the provider, host and status,
/// never a URL with its query (a key may ride in it) and never a credential.
/// </summary>
public sealed class CredentialVerifier(IHttpClientFactory httpClients, ILogger<CredentialVerifier> logger)
{
    /// <summary>The error code of refused credentials: TBA answers <c>invalid_credentials</c> (spec §4.4, §5.11), every other mode <c>connection_test_failed</c>.</summary>
    public static string RefusalCode(Provider provider) =>
        provider.AuthMode == AuthModes.Tba ? ErrorCodes.InvalidCredentials : ErrorCodes.ConnectionTestFailed;

    /// <param name="provider">Whose verification endpoints to call.</param>
    /// <param name="credentials">The candidate credentials.</param>
    /// <param name="connectionConfig">The connection's settings.</param>
    /// <param name="cancellationToken">The request's.</param>
    /// <param name="sign">For modes whose credential is a per-request signature (TBA): signs each built request.</param>
    public async Task<Verification> VerifyAsync(
        Provider provider, JsonObject credentials, JsonObject connectionConfig, CancellationToken cancellationToken, Action<HttpRequestMessage>? sign = null)
    {
        if (provider.Proxy?["verification"] is not JsonObject verification || verification.GetStringList("endpoints") is not { Count: > 0 } endpoints)
        {
            return new Verification(VerificationOutcome.NotDeclared);
        }

        Verification? strongest = null;

        var values = ProviderApiRequest.ValuesFor(credentials, connectionConfig);
        var client = httpClients.CreateClient(OutboundFeature.ClientName);
        foreach (var endpoint in endpoints)
        {
            using var request = ProviderApiRequest.ForVerification(provider, verification, endpoint, credentials, values);
            if (request is null)
            {
                logger.LogInformation("Verification of {Provider} skipped endpoint {Endpoint}: its URL needs connection settings that were not given", provider.Name, endpoint);
                continue;
            }

            sign?.Invoke(request);
            try
            {
                using var response = await client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken);
                if (response.IsSuccessStatusCode)
                {
                    return new Verification(VerificationOutcome.Verified);
                }

                var status = (int)response.StatusCode;
                if (ProviderFaults.IsProviderFailure(status))
                {
                    logger.LogWarning("Verification of {Provider} credentials got no verdict from {Host} {Endpoint}: HTTP {Status}, a failure of the provider",
                        provider.Name, request.RequestUri!.Host, endpoint, status);
                    strongest = Stronger(strongest, new Verification(VerificationOutcome.ProviderFailed, $"HTTP {status}", status));
                    continue;
                }

                logger.LogInformation("Verification of {Provider} credentials refused by {Host} {Endpoint}: HTTP {Status}",
                    provider.Name, request.RequestUri!.Host, endpoint, status);
                strongest = Stronger(strongest, new Verification(VerificationOutcome.Rejected, $"HTTP {status}", status));
            }
            catch (Exception exception) when (exception is HttpRequestException or TaskCanceledException && !cancellationToken.IsCancellationRequested)
            {
                var reason = OutboundFailure.Describe(exception);
                logger.LogWarning("Verification of {Provider} credentials could not reach {Host}: {Reason}",
                    provider.Name, request.RequestUri!.Host, reason);
                strongest = Stronger(strongest, new Verification(VerificationOutcome.Unreachable, reason));
            }
        }

        // Every endpoint needed settings that were not given: nothing accepted the credentials.
        return strongest ?? new Verification(VerificationOutcome.Rejected);
    }

    // The enum is ordered from the strongest verdict down: a refusal is a verdict, a provider failure says more than silence.
    private static Verification Stronger(Verification? current, Verification next) =>
        current is null || next.Outcome < current.Outcome ? next : current;
}
