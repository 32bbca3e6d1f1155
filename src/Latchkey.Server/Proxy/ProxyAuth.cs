using System.Text.Json.Nodes;
using Latchkey.Server.CredentialEntry;
using Latchkey.Server.Hosting;
using Latchkey.Server.Integrations;
using Latchkey.Server.Providers;

namespace Latchkey.Server.Proxy;

/// <summary>
/// Puts a connection's credentials on a proxied request, by auth mode: bearer tokens (OAUTH2, OAUTH2_CC, APP, JWT,
/// TWO_STEP, MCP, the installation token of CUSTOM), basic auth, and the provider's <c>proxy.headers</c> and
/// <c>proxy.query</c> templates (API keys, BILL sessions, SIGNATURE's WSSE token); OAuth 1 and TBA requests are signed
/// anew for each attempt, since the signature covers the URL, a nonce and the time.
/// </summary>
public sealed class ProxyAuth
{
    private readonly Provider _provider;
    private readonly JsonObject _credentials;
    private readonly TemplateValues _values;
    private readonly Action<HttpRequestMessage>? _sign;

    private ProxyAuth(Provider provider, JsonObject credentials, TemplateValues values, Action<HttpRequestMessage>? sign)
    {
        _provider = provider;
        _credentials = credentials;
        _values = values;
        _sign = sign;
    }

    public TemplateValues Values => _values;

    /// <summary>Whether requests are signed with the integration's client id and secret (OAuth 1, TBA).</summary>
    public static bool NeedsIntegration(Provider provider) => provider.AuthMode is AuthModes.OAuth1 or AuthModes.Tba;

    public static Outcome<ProxyAuth> For(
        Provider provider, Integration? integration, IntegrationStore integrations, JsonObject credentials, JsonObject connectionConfig, TimeProvider clock)
    {
        var values = ProviderApiRequest.ValuesFor(credentials, connectionConfig);
        if (integration is null && NeedsIntegration(provider))
        {
            return ApiError.BadRequest(ErrorCodes.UnknownProviderConfig, "The connection's integration was deleted.");
        }

        switch (provider.AuthMode)
        {
            case AuthModes.Tba:
                var tba = TbaSigner.For(integration!, integrations, credentials, connectionConfig, clock);
                return tba.Failed ? tba.Error : new ProxyAuth(provider, credentials, values, tba.Value);
            case AuthModes.OAuth1:
                var consumerKey = integration!.ClientId;
                var consumerSecret = integrations.OpenSecrets(integration).ClientSecret;
                if (string.IsNullOrEmpty(consumerKey) || string.IsNullOrEmpty(consumerSecret))
                {
                    return ApiError.BadRequest(ErrorCodes.InvalidCredentials, $"Integration '{integration.UniqueKey}' has no consumer key and secret to sign OAuth 1 requests with.");
                }

                var signatureMethod = provider.GetString("signature_method", "HMAC-SHA1");
                var token = credentials.GetString("oauth_token") ?? "";
                var tokenSecret = credentials.GetString("oauth_token_secret");
                return new ProxyAuth(provider, credentials, values,
                    request => OAuth1Signature.SignRequest(request, signatureMethod, consumerKey, consumerSecret, token, tokenSecret, clock.GetUtcNow()));
            default:
                return new ProxyAuth(provider, credentials, values, null);
        }
    }

    /// <summary>The provider's base URL with its <c>proxy.query</c> appended to the caller's endpoint.</summary>
    public string WithProviderQuery(string url) => ProviderApiRequest.WithProviderQuery(url, _provider, _values);

    /// <summary>Credentials by mode and the provider's headers; signing, when the mode signs, comes last (<see cref="Sign"/>).</summary>
    public void Apply(HttpRequestMessage request) => ProviderApiRequest.AddProviderAuth(request, _provider, _credentials, _values);

    public void Sign(HttpRequestMessage request)
    {
        if (_sign is not null)
        {
            request.Headers.Remove("Authorization");
            _sign(request);
        }
    }
}
