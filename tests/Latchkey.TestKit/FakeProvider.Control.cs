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
        int? TokenDelayMs = null,
        string? GitHubAppCallbackUrl = null,
        string? GitHubSetupAction = null,
        string? RefreshToken = null);

    public object State => new
    {
        verificationCalls = VerificationCalls,
        authorizeCalls = AuthorizeCalls,
        codeExchanges = CodeExchanges,
        refreshCalls = RefreshCalls,
        oauth1Exchanges = OAuth1Exchanges,
        clientCredentialsCalls = ClientCredentialsCalls,
        installationTokenCalls = InstallationTokenCalls,
        denyConsent = DenyConsent,
        failRefresh = FailRefresh,
        currentAccessToken = CurrentAccessTokenOrNull,
    };

    private void MapControl(WebApplication app)
    {
        app.MapGet("/_control/state", () => Results.Json(State));
        app.MapGet("/_control/issued", () => Results.Json(IssuedSecrets));

        // What a developer copies from the GitHub App's settings into the integration (a fake key, made at start-up).
        app.MapGet("/_control/github-app", () => Results.Json(new
        {
            appId = GitHubAppId,
            appLink = GitHubAppLink,
            oauthAppLink = GitHubOAuthAppLink,
            privateKey = GitHubAppPrivateKey,
            installationId = GitHubInstallationId,
        }));
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
                GitHubSetupAction = "install";
            }

            DenyConsent = request.DenyConsent ?? DenyConsent;
            ManualConsent = request.ManualConsent ?? ManualConsent;
            FailRefresh = request.FailRefresh ?? FailRefresh;
            ExpiresInSeconds = request.ExpiresInSeconds ?? ExpiresInSeconds;
            IssuerToReturn = request.IssuerToReturn ?? IssuerToReturn;
            TokenDelay = request.TokenDelayMs is { } ms ? TimeSpan.FromMilliseconds(ms) : TokenDelay;
            GitHubAppCallbackUrl = request.GitHubAppCallbackUrl ?? GitHubAppCallbackUrl;
            GitHubSetupAction = request.GitHubSetupAction ?? GitHubSetupAction;
            if (request.RefreshToken is not null)
            {
                AcceptRefreshToken(request.RefreshToken);
            }

            return Results.Json(State);
        });
    }
}
