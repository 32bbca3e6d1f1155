namespace Latchkey.TestKit;

/// <summary>
/// An HTTP control surface for tests that run in another process (the Node browser suites): read the counters,
/// switch behaviours (deny consent, fail refreshes…) and list the secrets issued, to search logs for them.
/// </summary>
public sealed partial class FakeProvider
{
    public sealed record ControlRequest(
        bool? Reset = null,
        bool? DenyConsent = null,
        bool? ManualConsent = null,
        bool? FailRefresh = null,
        int? ExpiresInSeconds = null,
        string? IssuerToReturn = null,
        int? TokenDelayMs = null);

    public object State => new
    {
        verificationCalls = VerificationCalls,
        authorizeCalls = AuthorizeCalls,
        codeExchanges = CodeExchanges,
        refreshCalls = RefreshCalls,
        oauth1Exchanges = OAuth1Exchanges,
        clientCredentialsCalls = ClientCredentialsCalls,
        denyConsent = DenyConsent,
        failRefresh = FailRefresh,
    };

    private void MapControl(WebApplication app)
    {
        app.MapGet("/_control/state", () => Results.Json(State));
        app.MapGet("/_control/issued", () => Results.Json(IssuedSecrets));
        app.MapPost("/_control", (ControlRequest request) =>
        {
            if (request.Reset == true)
            {
                ResetCounters();
                DenyConsent = false;
                ManualConsent = false;
                FailRefresh = false;
                IssuerToReturn = null;
                TokenDelay = TimeSpan.Zero;
                ExpiresInSeconds = 3600;
            }

            DenyConsent = request.DenyConsent ?? DenyConsent;
            ManualConsent = request.ManualConsent ?? ManualConsent;
            FailRefresh = request.FailRefresh ?? FailRefresh;
            ExpiresInSeconds = request.ExpiresInSeconds ?? ExpiresInSeconds;
            IssuerToReturn = request.IssuerToReturn ?? IssuerToReturn;
            TokenDelay = request.TokenDelayMs is { } ms ? TimeSpan.FromMilliseconds(ms) : TokenDelay;
            return Results.Json(State);
        });
    }
}
