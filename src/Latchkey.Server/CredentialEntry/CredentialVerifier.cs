using System.Text.Json.Nodes;
using Latchkey.Server.Hosting;
using Latchkey.Server.Outbound;
using Latchkey.Server.Providers;

namespace Latchkey.Server.CredentialEntry;

public enum VerificationOutcome
{
    /// <summary>A verification endpoint accepted the credentials.</summary>
    Verified,

    /// <summary>Every verification endpoint refused them (or could not be reached).</summary>
    Rejected,

    /// <summary>The provider declares no verification; credentials are saved as given (spec §5.11 step 3).</summary>
    NotDeclared,
}

/// <summary>
/// Checks candidate credentials against the provider's <c>proxy.verification</c> endpoints before they are saved.
/// One request per endpoint, in order, no retries; the first 2xx wins. Logs name the provider, host and status,
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
    public async Task<VerificationOutcome> VerifyAsync(
        Provider provider, JsonObject credentials, JsonObject connectionConfig, CancellationToken cancellationToken, Action<HttpRequestMessage>? sign = null)
    {
        if (provider.Proxy?["verification"] is not JsonObject verification || verification.GetStringList("endpoints") is not { Count: > 0 } endpoints)
        {
            return VerificationOutcome.NotDeclared;
        }

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
                    return VerificationOutcome.Verified;
                }

                logger.LogInformation("Verification of {Provider} credentials refused by {Host} {Endpoint}: HTTP {Status}",
                    provider.Name, request.RequestUri!.Host, endpoint, (int)response.StatusCode);
            }
            catch (Exception exception) when (exception is HttpRequestException or TaskCanceledException && !cancellationToken.IsCancellationRequested)
            {
                logger.LogWarning("Verification of {Provider} credentials could not reach {Host}: {Reason}",
                    provider.Name, request.RequestUri!.Host, OutboundFailure.Describe(exception));
            }
        }

        return VerificationOutcome.Rejected;
    }
}
