using System.Globalization;
using System.Text.Json.Nodes;
using Latchkey.Server.Providers;
using Latchkey.Server.Tokens;

namespace Latchkey.Server.Refresh;

/// <summary>When credentials are refreshed (spec §5.10, DESIGN decisions 1 and 2).</summary>
public static class RefreshPolicy
{
    public static readonly TimeSpan DefaultMargin = TimeSpan.FromMinutes(15);
    public static readonly TimeSpan FailureBackoff = TimeSpan.FromSeconds(30);
    public const int ExhaustedAfterFailingDays = 4;

    /// <summary>
    /// OAuth 2 credentials with a refresh token, client-credentials tokens (a new grant), TWO_STEP tokens (a new
    /// exchange), BILL sessions (a new sign-in), GitHub App installation tokens (minted again) and the tokens this
    /// server signs itself (JWT, SIGNATURE) can be refreshed. CUSTOM credentials are left as they are (spec §5.10).
    /// </summary>
    public static bool CanRefresh(JsonObject credentials) => credentials.GetString("type") switch
    {
        AuthModes.OAuth2 => !string.IsNullOrEmpty(credentials.GetString("refresh_token")),
        AuthModes.OAuth2ClientCredentials => true,
        AuthModes.TwoStep or AuthModes.Jwt or AuthModes.Bill or AuthModes.Signature or AuthModes.App => true,
        _ => false,
    };

    /// <summary>
    /// Due when forced, or when the token expires within the margin: the provider's buffer or 15 minutes, capped at
    /// half the token's stated lifetime so short-lived tokens are not refreshed on every read.
    /// </summary>
    public static bool IsDue(JsonObject credentials, Provider? provider, DateTimeOffset now, bool force)
    {
        if (!CanRefresh(credentials))
        {
            return false;
        }

        if (force)
        {
            return true;
        }

        if (!DateTimeOffset.TryParse(credentials.GetString("expires_at"), CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var expiresAt))
        {
            return false;
        }

        var margin = provider?.Definition.GetNumber("token_expiration_buffer") is { } seconds ? TimeSpan.FromSeconds(seconds) : DefaultMargin;
        if (TokenResponse.StatedLifetime(credentials) is { } lifetime && lifetime / 2 < margin)
        {
            margin = lifetime / 2;
        }

        return now >= expiresAt - margin;
    }
}
