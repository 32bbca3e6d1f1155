using Latchkey.Server.Dashboard.Mfa;
using Latchkey.Server.Dashboard.SingleSignOn;
using Latchkey.Server.Dashboard.Team;
using Microsoft.AspNetCore.Antiforgery;
using Microsoft.AspNetCore.Cors;
using Microsoft.AspNetCore.RateLimiting;

namespace Latchkey.Server.Dashboard;

/// <summary>
/// The dashboard under <c>/dashboard/</c>: server-rendered Razor components (static SSR), a login cookie
/// (HttpOnly, SameSite=Strict, Secure over HTTPS; each naming a server-side session row), antiforgery on every form,
/// users with a role per environment checked on every endpoint. It reuses the features' stores.
/// </summary>
public static class DashboardFeature
{
    public const string Scheme = "latchkey-dashboard";

    public static WebApplicationBuilder AddDashboard(this WebApplicationBuilder builder)
    {
        builder.Services.AddOptions<DashboardOptions>()
            .Configure<IConfiguration>((options, configuration) =>
            {
                if (!string.IsNullOrWhiteSpace(configuration["LATCHKEY_ADMIN_EMAIL"]))
                {
                    options.AdminEmail = configuration["LATCHKEY_ADMIN_EMAIL"]!.Trim();
                }

                options.AdminPassword = string.IsNullOrEmpty(configuration["LATCHKEY_ADMIN_PASSWORD"]) ? null : configuration["LATCHKEY_ADMIN_PASSWORD"];
            })
            .Validate(options => options.AdminEmail.Contains('@', StringComparison.Ordinal), "LATCHKEY_ADMIN_EMAIL must be an e-mail address.")
            .Validate(options => options.AdminPassword is null || options.AdminPassword.Length >= 8, "LATCHKEY_ADMIN_PASSWORD must have at least 8 characters.")
            .ValidateOnStart();
        builder.Services.AddSingleton<UserStore>();
        builder.Services.AddSingleton<InvitationStore>();
        builder.Services.AddSingleton<TeamChanges>();
        builder.Services.AddSingleton<InvitationMail>();
        builder.Services.AddOptions<SmtpOptions>()
            .Configure<IConfiguration>((options, configuration) =>
            {
                options.Host = Blank(configuration["LATCHKEY_SMTP_HOST"]);
                options.Port = int.TryParse(configuration["LATCHKEY_SMTP_PORT"], out var port) ? port : Blank(configuration["LATCHKEY_SMTP_PORT"]) is null ? 587 : -1;
                options.Tls = Blank(configuration["LATCHKEY_SMTP_TLS"])?.ToLowerInvariant() ?? "starttls";
                options.Username = Blank(configuration["LATCHKEY_SMTP_USERNAME"]);
                options.Password = configuration["LATCHKEY_SMTP_PASSWORD"];
                options.From = Blank(configuration["LATCHKEY_SMTP_FROM"]);
            })
            .Validate(options => !options.Enabled || (options.From is { } from && MimeKit.MailboxAddress.TryParse(from, out _)), "LATCHKEY_SMTP_FROM must be the sender's e-mail address when LATCHKEY_SMTP_HOST is set.")
            .Validate(options => options.Port is >= 1 and <= 65535, "LATCHKEY_SMTP_PORT must be a port number.")
            .Validate(options => options.Tls is "starttls" or "tls" or "none", "LATCHKEY_SMTP_TLS must be starttls, tls or none.")
            .ValidateOnStart();
        builder.AddSingleSignOn();
        builder.Services.AddHostedService<AdminBootstrap>();
        builder.Services.AddSingleton<DashboardContexts>();
        builder.Services.AddSingleton<DashboardSessions>();
        builder.Services.AddSingleton<LoginThrottle>();
        builder.Services.AddSingleton<MfaFactors>();
        builder.Services.AddSingleton<MfaChallenges>();
        builder.Services.AddSingleton<MfaPolicy>();
        builder.Services.AddSingleton<PasskeyStore>();
        builder.Services.AddSingleton<Passkeys>();
        builder.Services.Configure<RateLimiterOptions>(limits => limits.AddPolicy<(string, long), LoginThrottle.PerIp>(LoginThrottle.PerIpPolicy));
        builder.Services.AddRazorComponents();
        builder.Services.AddAntiforgery(options =>
        {
            options.Cookie.Name = "lk_dashboard_af";
            options.Cookie.Path = "/dashboard";
            options.Cookie.SameSite = SameSiteMode.Strict;
            options.Cookie.SecurePolicy = CookieSecurePolicy.SameAsRequest;
        });
        // The default scheme, named: the authentication middleware reads this cookie before antiforgery, which binds form
        // tokens to the user. With one scheme it was the default implicitly; single sign-on adds two more.
        builder.Services.AddAuthentication(Scheme).AddCookie(Scheme, options =>
        {
            options.Cookie.Name = "lk_dashboard";
            options.Cookie.Path = "/dashboard";
            options.Cookie.HttpOnly = true;
            options.Cookie.SameSite = SameSiteMode.Strict;
            // Secure when the request is HTTPS: served here with a certificate, or a trusted proxy's X-Forwarded-Proto
            // (applied first in the pipeline, see Hosting/Transport.cs).
            options.Cookie.SecurePolicy = CookieSecurePolicy.SameAsRequest;
            options.ExpireTimeSpan = DashboardSessions.IdleLifetime;
            options.SlidingExpiration = true;
            options.LoginPath = "/dashboard/login";
            options.Events.OnValidatePrincipal = DashboardSessions.ValidateAsync;
        });

        return builder;
    }

    private static string? Blank(string? value) => string.IsNullOrWhiteSpace(value) ? null : value.Trim();

    /// <summary>
    /// Antiforgery runs after routing (it reads endpoint metadata), before the endpoints. It only marks a request whose
    /// token is missing or wrong; the refusal (400) is ours, before any binding reads the form: the generated request
    /// delegates (EnableRequestDelegateGenerator, for start-up time) would read it and throw, a 500.
    /// </summary>
    public static WebApplication UseDashboard(this WebApplication app)
    {
        app.UseAntiforgery();
        app.Use(RefuseInvalidAntiforgery);
        return app;
    }

    private static Task RefuseInvalidAntiforgery(HttpContext context, RequestDelegate next)
    {
        if (context.Features.Get<IAntiforgeryValidationFeature>() is { IsValid: false })
        {
            context.Response.StatusCode = StatusCodes.Status400BadRequest;
            return Task.CompletedTask;
        }

        return next(context);
    }

    public static IEndpointRouteBuilder MapDashboard(this IEndpointRouteBuilder endpoints)
    {
        // The dashboard is same-origin only: no CORS answer at all (the API's `*` policy is for the API, spec §10.1).
        var open = endpoints.MapGroup("/dashboard").WithTags("Dashboard").ExcludeFromDescription().WithMetadata(new DisableCorsAttribute())
            .AddEndpointFilter(DashboardAccess.SecurityHeaders);
        open.MapGet("", DashboardAccess.HomeAsync);
        open.MapGet("/login", DashboardAccess.ShowLogin);
        open.MapPost("/login", DashboardAccess.LogInAsync).RequireRateLimiting(LoginThrottle.PerIpPolicy);
        open.MapGet("/login/mfa", MfaLoginPages.ShowAsync);
        open.MapPost("/login/mfa", MfaLoginPages.VerifyAsync).RequireRateLimiting(LoginThrottle.PerIpPolicy);
        open.MapPost("/login/passkey", PasskeyLoginPages.SignInAsync).RequireRateLimiting(LoginThrottle.PerIpPolicy);
        open.MapGet("/invitation", InvitationPages.ShowAsync);
        open.MapPost("/invitation", InvitationPages.AcceptAsync).RequireRateLimiting(LoginThrottle.PerIpPolicy);
        open.MapGet("/assets/{file}", DashboardAssets.Serve);
        SsoEndpoints.Map(open);

        // Every route below declares the permission it needs; DashboardAuthorization refuses a route without one.
        var pages = endpoints.MapGroup("/dashboard").WithTags("Dashboard").ExcludeFromDescription().WithMetadata(new DisableCorsAttribute())
            .AddEndpointFilter(DashboardAccess.SecurityHeaders).AddEndpointFilter(DashboardAuthorization.Filter);
        pages.MapPost("/logout", DashboardAccess.LogOutAsync).Requires(DashboardRight.SignedIn);
        pages.MapGet("/account/security", AccountSecurityPages.ShowAsync).Requires(DashboardRight.SignedIn);
        pages.MapPost("/account/security/totp", AccountSecurityPages.StartTotpAsync).Requires(DashboardRight.SignedIn);
        pages.MapPost("/account/security/totp/confirm", AccountSecurityPages.ConfirmTotpAsync).Requires(DashboardRight.SignedIn);
        pages.MapPost("/account/security/totp/remove", AccountSecurityPages.RemoveTotpAsync).Requires(DashboardRight.SignedIn);
        pages.MapPost("/account/security/passkeys/new", PasskeyPages.StartAsync).Requires(DashboardRight.SignedIn);
        pages.MapPost("/account/security/passkeys", PasskeyPages.FinishAsync).Requires(DashboardRight.SignedIn);
        pages.MapPost("/account/security/passkeys/{id:long}/remove", PasskeyPages.RemoveAsync).Requires(DashboardRight.SignedIn);

        pages.MapGet("/{env}/integrations", IntegrationPages.ListAsync).Requires(DashboardRight.ViewIntegrations);
        pages.MapGet("/{env}/integrations/new", IntegrationPages.CatalogAsync).Requires(DashboardRight.ChangeIntegrations);
        pages.MapGet("/{env}/integrations/new/{provider}", IntegrationFormPages.NewAsync).Requires(DashboardRight.ChangeIntegrations);
        pages.MapPost("/{env}/integrations", IntegrationFormPages.CreateAsync).Requires(DashboardRight.ChangeIntegrations);
        pages.MapGet("/{env}/integrations/{key}", IntegrationFormPages.EditAsync).Requires(DashboardRight.ViewIntegrations);
        pages.MapPost("/{env}/integrations/{key}", IntegrationFormPages.UpdateAsync).Requires(DashboardRight.ChangeIntegrations);
        pages.MapPost("/{env}/integrations/{key}/delete", IntegrationPages.DeleteAsync).Requires(DashboardRight.ChangeIntegrations);

        pages.MapGet("/{env}/connections", ConnectionPages.ListAsync).Requires(DashboardRight.ViewConnections);
        pages.MapGet("/{env}/connections/share", ConnectionPages.ShareFormAsync).Requires(DashboardRight.ShareConnectLinks);
        pages.MapPost("/{env}/connections/share", ConnectionPages.ShareAsync).Requires(DashboardRight.ShareConnectLinks);
        pages.MapGet("/{env}/connections/{key}/{connectionId}", ConnectionPages.DetailAsync).Requires(DashboardRight.ViewConnections);
        pages.MapPost("/{env}/connections/{key}/{connectionId}/reveal", ConnectionPages.RevealAsync).Requires(DashboardRight.RevealCredentials);
        pages.MapPost("/{env}/connections/{key}/{connectionId}/delete", ConnectionPages.DeleteAsync).Requires(DashboardRight.DeleteConnections);

        pages.MapGet("/{env}/settings", SettingsPages.ShowAsync).Requires(DashboardRight.ManageSettings);
        pages.MapPost("/{env}/settings", SettingsPages.SaveAsync).Requires(DashboardRight.ManageSettings);
        pages.MapPost("/{env}/settings/secret-key", SettingsPages.RotateSecretKeyAsync).Requires(DashboardRight.ManageSettings);
        pages.MapPost("/{env}/settings/secret-key/reveal", SettingsPages.RevealSecretKeyAsync).Requires(DashboardRight.ManageSettings);
        pages.MapPost("/{env}/settings/signing-key", SettingsPages.RotateSigningKeyAsync).Requires(DashboardRight.ManageSettings);

        pages.MapGet("/{env}/logs", ActivityPages.LogsAsync).Requires(DashboardRight.ViewLogs);
        pages.MapGet("/{env}/webhooks", ActivityPages.WebhooksAsync).Requires(DashboardRight.ViewLogs);
        pages.MapPost("/{env}/webhooks/{deliveryId:long}/redeliver", ActivityPages.RedeliverAsync).Requires(DashboardRight.RedeliverWebhooks);

        pages.MapGet("/{env}/audit", AuditPages.ListAsync).Requires(DashboardRight.ViewAudit);

        pages.MapGet("/{env}/users", TeamPages.ListAsync).Requires(DashboardRight.ManageUsers);
        pages.MapPost("/{env}/users", TeamPages.InviteAsync).Requires(DashboardRight.ManageUsers);
        pages.MapPost("/{env}/users/{id:long}/roles", TeamPages.SetRolesAsync).Requires(DashboardRight.ManageUsers);
        pages.MapPost("/{env}/users/{id:long}/invitation", TeamPages.RenewInvitationAsync).Requires(DashboardRight.ManageUsers);
        pages.MapPost("/{env}/users/{id:long}/disable", TeamPages.DisableAsync).Requires(DashboardRight.ManageUsers);
        pages.MapPost("/{env}/users/{id:long}/enable", TeamPages.EnableAsync).Requires(DashboardRight.ManageUsers);
        pages.MapPost("/{env}/users/{id:long}/remove", TeamPages.RemoveAsync).Requires(DashboardRight.ManageUsers);
        pages.MapPost("/{env}/users/{id:long}/mfa/reset", MfaAdminPages.ResetAsync).Requires(DashboardRight.ManageUsers);
        pages.MapPost("/{env}/users/mfa-requirement", MfaAdminPages.SetRequirementAsync).Requires(DashboardRight.ManageUsers);
        return endpoints;
    }
}
