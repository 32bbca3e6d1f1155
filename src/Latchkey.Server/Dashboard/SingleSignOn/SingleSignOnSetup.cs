using Latchkey.Server.Hosting;
using Microsoft.AspNetCore.Authentication.OpenIdConnect;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.Protocols.OpenIdConnect;

namespace Latchkey.Server.Dashboard.SingleSignOn;

/// <summary>
/// Wires ASP.NET Core's OpenID Connect handler for the dashboard when <c>LATCHKEY_SSO_OIDC_AUTHORITY</c> is set:
/// authorization code flow with PKCE, the answer at <c>/dashboard/sso/callback</c> (handled by the handler itself),
/// the provider's identity held for a few minutes in an external cookie, then <see cref="SsoEndpoints.CompleteAsync"/>
/// turns it into a dashboard session. State, nonce and correlation are protected with Data Protection, whose keys are
/// in the database: a sign-in started on one instance finishes on another.
/// </summary>
public static class SingleSignOnSetup
{
    public const string ProviderScheme = "latchkey-sso";
    public const string ExternalScheme = "latchkey-sso-external";
    public const string CallbackPath = "/dashboard/sso/callback";
    public const string CompletePath = "/dashboard/sso/complete";

    public static WebApplicationBuilder AddSingleSignOn(this WebApplicationBuilder builder)
    {
        var sso = SsoOptions.Read(builder.Configuration);
        builder.Services.AddOptions<SsoOptions>().Configure<IConfiguration>((options, configuration) => Copy(SsoOptions.Read(configuration), options)).ValidateOnStart();
        builder.Services.AddSingleton<IValidateOptions<SsoOptions>, SsoOptionsValidation>();
        builder.Services.AddSingleton<SsoAccounts>();
        if (!sso.Enabled || sso.Problems().Count > 0)
        {
            return builder;
        }

        builder.Services.AddAuthentication()
            .AddCookie(ExternalScheme, options =>
            {
                options.Cookie.Name = "lk_dashboard_sso";
                options.Cookie.Path = "/dashboard/sso";
                options.Cookie.HttpOnly = true;
                // Lax, not Strict: it is set by the provider's redirect back (a cross-site navigation) and read on the next one.
                options.Cookie.SameSite = SameSiteMode.Lax;
                options.Cookie.SecurePolicy = CookieSecurePolicy.SameAsRequest;
                options.ExpireTimeSpan = TimeSpan.FromMinutes(5);
                options.SlidingExpiration = false;
            })
            .AddOpenIdConnect(ProviderScheme, options => Configure(options, sso));
        return builder;
    }

    private static void Configure(OpenIdConnectOptions options, SsoOptions sso)
    {
        options.Authority = sso.Authority;
        // The handler insists on HTTPS for discovery; a provider on this machine (tests, a local one) is the one exception.
        options.RequireHttpsMetadata = !SsoOptions.IsLoopback(sso.Authority!);
        options.ClientId = sso.ClientId;
        options.ClientSecret = sso.ClientSecret;
        options.ResponseType = OpenIdConnectResponseType.Code;
        // The code comes back in the query of a top-level GET: the correlation and nonce cookies can then be SameSite=Lax
        // and need no Secure flag on a plain-HTTP loopback (form_post, the handler's default, needs SameSite=None).
        options.ResponseMode = OpenIdConnectResponseMode.Query;
        options.UsePkce = true;
        options.Scope.Clear();
        options.Scope.Add("openid");
        options.Scope.Add("email");
        options.Scope.Add("profile");
        options.CallbackPath = CallbackPath;
        options.SignInScheme = ExternalScheme;
        // The claims as the provider names them ("email", "email_verified"), not mapped to long WS-* URIs.
        options.MapInboundClaims = false;
        options.SaveTokens = false;
        options.GetClaimsFromUserInfoEndpoint = false;
        options.BackchannelTimeout = TimeSpan.FromSeconds(30);
        options.CorrelationCookie.SameSite = SameSiteMode.Lax;
        options.CorrelationCookie.SecurePolicy = CookieSecurePolicy.SameAsRequest;
        options.NonceCookie.SameSite = SameSiteMode.Lax;
        options.NonceCookie.SecurePolicy = CookieSecurePolicy.SameAsRequest;
        options.Events.OnRedirectToIdentityProvider = context =>
        {
            // The redirect URI to register at the provider is the public one (LATCHKEY_SERVER_URL), whatever host the request used.
            context.ProtocolMessage.RedirectUri = context.HttpContext.RequestServices.GetRequiredService<PublicUrls>().Server + CallbackPath;
            return Task.CompletedTask;
        };
        options.Events.OnRemoteFailure = SsoEndpoints.ProviderFailedAsync;
    }

    private static void Copy(SsoOptions from, SsoOptions to)
    {
        to.Authority = from.Authority;
        to.ClientId = from.ClientId;
        to.ClientSecret = from.ClientSecret;
        to.DisplayName = from.DisplayName;
        to.AllowedDomains = from.AllowedDomains;
        to.DefaultRole = from.DefaultRole;
        to.DefaultEnvironments = from.DefaultEnvironments;
    }

    private sealed class SsoOptionsValidation : IValidateOptions<SsoOptions>
    {
        public ValidateOptionsResult Validate(string? name, SsoOptions options) =>
            options.Problems() is { Count: > 0 } problems ? ValidateOptionsResult.Fail(problems) : ValidateOptionsResult.Success;
    }
}
