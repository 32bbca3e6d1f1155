using Latchkey.Server.Providers;

namespace Latchkey.Server.OAuth;

/// <summary>
/// Where a provider departs from the OAuth standards, in one place, grouped by phase. Everything else about a
/// provider is data in the catalog.
/// </summary>
public static class ProviderQuirks
{
    // ── Authorization request ─────────────────────────────────────────────────────────────────────────────────

    /// <summary>
    /// Slack's v2 flow takes user-token scopes in a separate <c>user_scope</c> parameter
    /// (https://api.slack.com/authentication/oauth-v2#asking).
    /// </summary>
    public static void AddAuthorizationParams(Provider provider, string? userScope, Action<string, string> set)
    {
        if (provider.Name.StartsWith("slack", StringComparison.Ordinal) && !string.IsNullOrEmpty(userScope))
        {
            set("user_scope", userScope);
        }
    }

    // ── Token request ─────────────────────────────────────────────────────────────────────────────────────────

    /// <summary>
    /// GitHub answers its token endpoint in form encoding unless JSON is asked for
    /// (https://docs.github.com/en/apps/oauth-apps/building-oauth-apps/authorizing-oauth-apps#2-users-are-redirected-back-to-your-site-by-github);
    /// asking every provider for JSON is harmless and keeps one parser.
    /// </summary>
    public const string TokenAccept = "application/json";
}
