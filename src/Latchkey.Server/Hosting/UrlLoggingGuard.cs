using Microsoft.Extensions.Options;

namespace Latchkey.Server.Hosting;

/// <summary>
/// Keeps every framework category that prints a URL at Warning, whatever appsettings.json, environment variables or
/// the working directory say. Browser entry points carry a live <c>connect_session_token</c> or <c>session_token</c>
/// in their query (spec §2.4), an OAuth start redirects to a URL with the flow's <c>state</c>, a callback arrives with
/// <c>code</c> and <c>state</c>, and outbound requests may carry codes: at Information these categories would write
/// all of them to the log. The rules are applied after every configuration source, so no setting can lower them.
/// </summary>
public static class UrlLoggingGuard
{
    /// <summary>Categories that write request, redirect or outbound URLs (or bound query values) below Warning.</summary>
    public static readonly IReadOnlyList<string> Categories =
    [
        "Microsoft.AspNetCore.Hosting.Diagnostics",       // "Request starting GET http://…?connect_session_token=…"
        "Microsoft.AspNetCore.Http.Result",               // "Executing RedirectResult, redirecting to …&state=…"
        "Microsoft.AspNetCore.Http.RequestDelegateFactory", // "Failed to bind parameter … from '<query value>'"
        "Microsoft.AspNetCore.Routing",                   // route values of the matched request
        "Microsoft.AspNetCore.HttpLogging",               // request lines and headers, should anyone enable it
        "Microsoft.AspNetCore.Server.Kestrel",            // bad-request lines echo the request target
        "System.Net.Http.HttpClient",                     // "Sending HTTP request GET https://provider/…?code=…"
        "Microsoft.AspNetCore.Authentication.OpenIdConnect", // dashboard SSO at Trace: "Received message: '…?code=…&state=…'"
    ];

    public static IServiceCollection AddUrlLoggingGuard(this IServiceCollection services) =>
        services.AddSingleton<IPostConfigureOptions<LoggerFilterOptions>, PinRules>();

    /// <summary>
    /// A rule that names a logger provider beats any rule that does not, and then the longest category wins: so the
    /// pin is added once without a provider and once for every provider any rule names, and rules that would be more
    /// specific than the pin (a sub-category, a wildcard into it) are dropped.
    /// </summary>
    private sealed class PinRules : IPostConfigureOptions<LoggerFilterOptions>
    {
        public void PostConfigure(string? name, LoggerFilterOptions options)
        {
            var providers = options.Rules.Select(rule => rule.ProviderName).Where(provider => provider is not null).Distinct(StringComparer.Ordinal).ToList();
            var kept = options.Rules.Where(rule => rule.CategoryName is not { } category || !Categories.Any(pinned => Overrides(category, pinned))).ToList();
            options.Rules.Clear();
            foreach (var rule in kept)
            {
                options.Rules.Add(rule);
            }

            foreach (var category in Categories)
            {
                foreach (var provider in providers.Prepend(null))
                {
                    options.Rules.Add(new LoggerFilterRule(provider, category, LogLevel.Warning, filter: null));
                }
            }
        }

        // A rule for the pinned category or below it, or a wildcard that could reach into it.
        private static bool Overrides(string category, string pinned)
        {
            var star = category.IndexOf('*', StringComparison.Ordinal);
            return star < 0
                ? category.StartsWith(pinned, StringComparison.OrdinalIgnoreCase)
                : pinned.StartsWith(category[..star], StringComparison.OrdinalIgnoreCase) || category[..star].StartsWith(pinned, StringComparison.OrdinalIgnoreCase);
        }
    }
}
