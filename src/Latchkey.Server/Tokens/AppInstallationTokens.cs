using System.Globalization;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text.Json;
using System.Text.Json.Nodes;
using Latchkey.Server.Hosting;
using Latchkey.Server.Outbound;
using Latchkey.Server.Providers;

namespace Latchkey.Server.Tokens;

/// <summary>A GitHub App as the integration holds it: its id (the JWT's issuer) and its RSA private key.</summary>
public sealed record AppIdentity(string AppId, string PrivateKey)
{
    public override string ToString() => $"AppIdentity {{ {AppId} [private key redacted] }}";
}

/// <summary>
/// APP credentials (spec §4.6, §5.10): an installation access token, minted by signing an app JWT with the app's
/// private key and presenting it to the catalog's APP token URL (GitHub's
/// <c>POST /app/installations/{installation_id}/access_tokens</c>). The token lives an hour at GitHub, so it is minted
/// again, with a new JWT, when it nears expiry. Nothing else is needed from the end user once the app is installed.
/// https://docs.github.com/en/apps/creating-github-apps/authenticating-with-a-github-app/generating-an-installation-access-token-for-a-github-app
/// </summary>
public sealed class AppInstallationTokens(IHttpClientFactory httpClients, TimeProvider clock, ILogger<AppInstallationTokens> logger)
{
    // GitHub: iat 60 seconds in the past against clock drift, exp no more than 10 minutes ahead.
    // https://docs.github.com/en/apps/creating-github-apps/authenticating-with-a-github-app/generating-a-json-web-token-jwt-for-a-github-app
    private static readonly TimeSpan ClockDrift = TimeSpan.FromSeconds(60);
    private static readonly TimeSpan JwtLifetime = TimeSpan.FromMinutes(9);

    /// <summary>The app JWT (RS256, <c>iss</c> = app id); refused with a sentence when the private key cannot be read.</summary>
    public Outcome<string> SignAppJwt(Provider provider, AppIdentity app)
    {
        var now = clock.GetUtcNow();
        var claims = new JsonObject
        {
            ["iat"] = (now - ClockDrift).ToUnixTimeSeconds(),
            ["exp"] = (now + JwtLifetime).ToUnixTimeSeconds(),
            ["iss"] = app.AppId,
        };
        try
        {
            return JwtTokens.SignRs256(claims, app.PrivateKey);
        }
        catch (Exception exception) when (exception is ArgumentException or CryptographicException)
        {
            // The key itself is never part of the message.
            return ApiError.BadRequest(ErrorCodes.UnknownErr, $"The private key of this {provider.DisplayName} integration is not a readable RSA key.");
        }
    }

    /// <summary>Mints an installation access token for the installation named in <paramref name="connectionConfig"/>.</summary>
    public async Task<Outcome<(JsonObject Credentials, DateTimeOffset? ExpiresAt)>> MintAsync(
        Provider provider, AppIdentity app, JsonObject connectionConfig, CancellationToken cancellationToken)
    {
        if (ProviderUrls.Render(provider.TokenUrlFor(AuthModes.App) ?? "", TemplateValues.Of(connectionConfig)) is not { } tokenUrl)
        {
            return ApiError.BadRequest(ErrorCodes.UrlParamErr, $"{provider.DisplayName}'s installation token URL needs the installation id, which is not known.");
        }

        var jwt = SignAppJwt(provider, app);
        if (jwt.Failed)
        {
            return jwt.Error;
        }

        var answer = await PostAsync(provider, tokenUrl, jwt.Value, cancellationToken);
        if (answer.Failed)
        {
            return answer.Error;
        }

        var body = answer.Value;
        if (body.GetString("token") is not { Length: > 0 } token)
        {
            return ApiError.BadRequest(ErrorCodes.UnknownErr, $"{provider.DisplayName}'s installation token response has no token.");
        }

        DateTimeOffset? expiresAt = DateTimeOffset.TryParse(body.GetString("expires_at"), CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var at)
            ? at.ToUniversalTime()
            : null;
        var credentials = new JsonObject
        {
            ["type"] = AuthModes.App,
            ["access_token"] = token,
            ["expires_at"] = expiresAt is { } when ? Timestamps.Format(when) : null,
            ["raw"] = body.DeepClone(),
            ["jwtToken"] = jwt.Value,
        };
        return (credentials, expiresAt);
    }

    private async Task<Outcome<JsonObject>> PostAsync(Provider provider, Uri tokenUrl, string jwt, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, tokenUrl);
        // A JWT must go as "Bearer" (GitHub refuses it under "token"); the media type is GitHub's REST one.
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", jwt);
        request.Headers.Accept.ParseAdd("application/vnd.github+json");
        try
        {
            using var response = await httpClients.CreateClient(OutboundFeature.ClientName).SendAsync(request, cancellationToken);
            var text = await response.Content.ReadAsStringAsync(cancellationToken);
            var body = Parse(text);
            if (!response.IsSuccessStatusCode || body is null)
            {
                var status = (int)response.StatusCode;
                logger.LogInformation("Installation token endpoint of {Provider} answered HTTP {Status}", provider.Name, status);
                var reason = body?.GetString("message") is { Length: > 0 } message ? $": {(message.Length > 200 ? message[..200] : message)}" : "";
                return ApiError.BadRequest(ErrorCodes.UnknownErr,
                    $"{provider.DisplayName} refused to issue an installation access token (HTTP {status}{reason}). Check the integration's app id and private key, and that the app is still installed.");
            }

            return body;
        }
        catch (Exception exception) when (exception is HttpRequestException or TaskCanceledException && !cancellationToken.IsCancellationRequested)
        {
            var reason = OutboundFailure.Describe(exception);
            logger.LogWarning("Installation token endpoint of {Provider} could not be reached: {Reason}", provider.Name, reason);
            return ApiError.BadRequest(ErrorCodes.UnknownErr, $"{provider.DisplayName}'s installation token endpoint could not be reached: {reason}.");
        }
    }

    private static JsonObject? Parse(string text)
    {
        try
        {
            return string.IsNullOrWhiteSpace(text) ? null : JsonNode.Parse(text) as JsonObject;
        }
        catch (JsonException)
        {
            return null;
        }
    }
}
