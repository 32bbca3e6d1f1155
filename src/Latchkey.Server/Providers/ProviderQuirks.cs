using Latchkey.Server.Hosting.Validation;


namespace Latchkey.Server.Providers;

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

    // ── Callback ──────────────────────────────────────────────────────────────────────────────────────────────

    /// <summary>
    /// The state a callback carries: OAuth's own <c>state</c>, else the names under which some providers hand it back
    /// instead, <c>payload</c> and <c>customField</c> (spec §5.4 step 1).
    /// </summary>
    public static string? CallbackState(IQueryCollection query) =>
        QueryRules.Last(query, "state") ?? QueryRules.Last(query, "payload") ?? QueryRules.Last(query, "customField");

    /// <summary>
    /// A GitHub App installed or updated from GitHub's own pages comes back with <c>installation_id</c> and
    /// <c>setup_action</c> but no state, because no flow of ours started it
    /// (https://docs.github.com/en/apps/creating-github-apps/registering-a-github-app/about-the-setup-url): the user
    /// is sent back where they came from instead of being shown an error. Null when the callback is not such a return.
    /// </summary>
    public static string? AppSetupReturn(IQueryCollection query, string referer)
    {
        if (!query.ContainsKey("installation_id") || !query.ContainsKey("setup_action"))
        {
            return null;
        }

        return Uri.TryCreate(referer, UriKind.Absolute, out var back) && back.Scheme is "https" or "http" ? referer : "https://github.com";
    }
}
