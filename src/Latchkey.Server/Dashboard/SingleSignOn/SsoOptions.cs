using Latchkey.Server.Dashboard.Team;

namespace Latchkey.Server.Dashboard.SingleSignOn;

/// <summary>
/// Single sign-on to the dashboard with an OpenID Connect provider (<c>LATCHKEY_SSO_*</c>). Off unless the issuer is
/// set; then the client id, its secret and the allowed e-mail domains are required too, so a half configuration stops
/// start-up instead of letting every account of a public provider in.
/// </summary>
public sealed class SsoOptions
{
    public const string AuthoritySetting = "LATCHKEY_SSO_OIDC_AUTHORITY";
    public const string ClientIdSetting = "LATCHKEY_SSO_OIDC_CLIENT_ID";
    public const string ClientSecretSetting = "LATCHKEY_SSO_OIDC_CLIENT_SECRET";
    public const string DisplayNameSetting = "LATCHKEY_SSO_OIDC_DISPLAY_NAME";
    public const string AllowedDomainsSetting = "LATCHKEY_SSO_ALLOWED_DOMAINS";
    public const string DefaultRoleSetting = "LATCHKEY_SSO_DEFAULT_ROLE";
    public const string DefaultEnvironmentsSetting = "LATCHKEY_SSO_DEFAULT_ENVIRONMENTS";

    /// <summary><c>LATCHKEY_SSO_OIDC_AUTHORITY</c>: the provider's issuer URL (its discovery document sits under it).</summary>
    public string? Authority { get; set; }

    /// <summary><c>LATCHKEY_SSO_OIDC_CLIENT_ID</c>: the client registered at the provider for the dashboard.</summary>
    public string? ClientId { get; set; }

    /// <summary><c>LATCHKEY_SSO_OIDC_CLIENT_SECRET</c>: that client's secret (a confidential client; PKCE as well).</summary>
    public string? ClientSecret { get; set; }

    /// <summary><c>LATCHKEY_SSO_OIDC_DISPLAY_NAME</c>: the button says "Sign in with" this (default <c>single sign-on</c>).</summary>
    public string DisplayName { get; set; } = "single sign-on";

    /// <summary><c>LATCHKEY_SSO_ALLOWED_DOMAINS</c>: the e-mail domains that may sign in, exact and case-insensitive.</summary>
    public IReadOnlyList<string> AllowedDomains { get; set; } = [];

    /// <summary>
    /// <c>LATCHKEY_SSO_DEFAULT_ROLE</c>: the role of a user created at their first sign-in (default <c>support</c>, the
    /// least one: a domain match proves employment, not a need for credentials; an admin raises it on the Users page).
    /// </summary>
    public string DefaultRole { get; set; } = "support";

    /// <summary><c>LATCHKEY_SSO_DEFAULT_ENVIRONMENTS</c>: where a new user gets the default role (default: every environment).</summary>
    public IReadOnlyList<string> DefaultEnvironments { get; set; } = [];

    public bool Enabled => Authority is not null;

    public static SsoOptions Read(IConfiguration configuration) => new()
    {
        Authority = Blank(configuration[AuthoritySetting])?.TrimEnd('/'),
        ClientId = Blank(configuration[ClientIdSetting]),
        ClientSecret = string.IsNullOrEmpty(configuration[ClientSecretSetting]) ? null : configuration[ClientSecretSetting],
        DisplayName = Blank(configuration[DisplayNameSetting]) ?? "single sign-on",
        AllowedDomains = List(configuration[AllowedDomainsSetting]).Select(d => d.TrimStart('@').ToLowerInvariant()).ToArray(),
        DefaultRole = Blank(configuration[DefaultRoleSetting])?.ToLowerInvariant() ?? "support",
        DefaultEnvironments = List(configuration[DefaultEnvironmentsSetting]),
    };

    /// <summary>One sentence per problem, naming the setting; empty when SSO is off or complete.</summary>
    public IReadOnlyList<string> Problems()
    {
        var named = new[] { (AuthoritySetting, Authority), (ClientIdSetting, ClientId), (ClientSecretSetting, ClientSecret),
            (AllowedDomainsSetting, AllowedDomains.Count == 0 ? null : "set") };
        var missing = named.Where(s => s.Item2 is null).Select(s => s.Item1).ToArray();
        if (missing.Length == named.Length)
        {
            return [];
        }

        var problems = new List<string>();
        if (missing.Length > 0)
        {
            problems.Add($"Single sign-on needs {AuthoritySetting}, {ClientIdSetting}, {ClientSecretSetting} and {AllowedDomainsSetting} together; {Listed(missing)} {(missing.Length == 1 ? "is" : "are")} missing.");
        }

        if (Authority is not null && !IsAllowedAuthority(Authority))
        {
            problems.Add($"{AuthoritySetting} must be an https:// URL (http:// only for a provider on this machine).");
        }

        if (AllowedDomains.Any(d => d.Length == 0 || d.Contains('@', StringComparison.Ordinal) || Uri.CheckHostName(d) != UriHostNameType.Dns))
        {
            problems.Add($"{AllowedDomainsSetting} must be e-mail domains separated by commas, such as example.com,example.org.");
        }

        if (DashboardRights.Parse(DefaultRole) is null)
        {
            problems.Add($"{DefaultRoleSetting} must be admin, developer or support.");
        }

        return problems;
    }

    /// <summary>Discovery and keys come over HTTPS; plain HTTP only to a loopback provider (a test or a local one), never across a network.</summary>
    public static bool IsLoopback(string authority) => Uri.TryCreate(authority, UriKind.Absolute, out var uri) && uri.IsLoopback;

    private static bool IsAllowedAuthority(string authority) =>
        Uri.TryCreate(authority, UriKind.Absolute, out var uri) && (uri.Scheme == Uri.UriSchemeHttps || (uri.Scheme == Uri.UriSchemeHttp && uri.IsLoopback));

    private static string Listed(string[] names) => names.Length == 1 ? names[0] : $"{string.Join(", ", names[..^1])} and {names[^1]}";

    private static string? Blank(string? value) => string.IsNullOrWhiteSpace(value) ? null : value.Trim();

    private static string[] List(string? value) =>
        (value ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
}
