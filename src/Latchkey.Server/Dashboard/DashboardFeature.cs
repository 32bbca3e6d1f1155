using Microsoft.AspNetCore.Antiforgery;
using Microsoft.AspNetCore.Cors;
using Microsoft.AspNetCore.RateLimiting;

namespace Latchkey.Server.Dashboard;

/// <summary>
/// The dashboard under <c>/dashboard/</c>: server-rendered Razor components (static SSR), an admin cookie
/// (HttpOnly, SameSite=Strict, Secure over HTTPS; each naming a server-side session row), antiforgery on every form. It reuses the features' stores.
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
        builder.Services.AddSingleton<AdminStore>();
        builder.Services.AddHostedService<AdminBootstrap>();
        builder.Services.AddSingleton<DashboardContexts>();
        builder.Services.AddSingleton<DashboardSessions>();
        builder.Services.AddSingleton<LoginThrottle>();
        builder.Services.Configure<RateLimiterOptions>(limits => limits.AddPolicy<(string, long), LoginThrottle.PerIp>(LoginThrottle.PerIpPolicy));
        builder.Services.AddRazorComponents();
        builder.Services.AddAntiforgery(options =>
        {
            options.Cookie.Name = "lk_dashboard_af";
            options.Cookie.Path = "/dashboard";
            options.Cookie.SameSite = SameSiteMode.Strict;
            options.Cookie.SecurePolicy = CookieSecurePolicy.SameAsRequest;
        });
        builder.Services.AddAuthentication().AddCookie(Scheme, options =>
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
        open.MapGet("", DashboardAccess.Home);
        open.MapGet("/login", DashboardAccess.ShowLogin);
        open.MapPost("/login", DashboardAccess.LogInAsync).RequireRateLimiting(LoginThrottle.PerIpPolicy);
        open.MapGet("/assets/{file}", DashboardAssets.Serve);

        var pages = endpoints.MapGroup("/dashboard").WithTags("Dashboard").ExcludeFromDescription().WithMetadata(new DisableCorsAttribute())
            .AddEndpointFilter(DashboardAccess.SecurityHeaders).AddEndpointFilter(DashboardAccess.RequireAdmin);
        pages.MapPost("/logout", DashboardAccess.LogOutAsync);

        pages.MapGet("/{env}/integrations", IntegrationPages.ListAsync);
        pages.MapGet("/{env}/integrations/new", IntegrationPages.CatalogAsync);
        pages.MapGet("/{env}/integrations/new/{provider}", IntegrationFormPages.NewAsync);
        pages.MapPost("/{env}/integrations", IntegrationFormPages.CreateAsync);
        pages.MapGet("/{env}/integrations/{key}", IntegrationFormPages.EditAsync);
        pages.MapPost("/{env}/integrations/{key}", IntegrationFormPages.UpdateAsync);
        pages.MapPost("/{env}/integrations/{key}/delete", IntegrationPages.DeleteAsync);

        pages.MapGet("/{env}/connections", ConnectionPages.ListAsync);
        pages.MapGet("/{env}/connections/share", ConnectionPages.ShareFormAsync);
        pages.MapPost("/{env}/connections/share", ConnectionPages.ShareAsync);
        pages.MapGet("/{env}/connections/{key}/{connectionId}", ConnectionPages.DetailAsync);
        pages.MapPost("/{env}/connections/{key}/{connectionId}/reveal", ConnectionPages.RevealAsync);
        pages.MapPost("/{env}/connections/{key}/{connectionId}/delete", ConnectionPages.DeleteAsync);

        pages.MapGet("/{env}/settings", SettingsPages.ShowAsync);
        pages.MapPost("/{env}/settings", SettingsPages.SaveAsync);
        pages.MapPost("/{env}/settings/secret-key", SettingsPages.RotateSecretKeyAsync);
        pages.MapPost("/{env}/settings/secret-key/reveal", SettingsPages.RevealSecretKeyAsync);
        pages.MapPost("/{env}/settings/signing-key", SettingsPages.RotateSigningKeyAsync);

        pages.MapGet("/{env}/logs", ActivityPages.LogsAsync);
        pages.MapGet("/{env}/webhooks", ActivityPages.WebhooksAsync);
        pages.MapPost("/{env}/webhooks/{deliveryId:long}/redeliver", ActivityPages.RedeliverAsync);
        return endpoints;
    }
}
