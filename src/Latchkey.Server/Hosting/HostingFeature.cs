using System.Net;
using System.Security.Cryptography.X509Certificates;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace Latchkey.Server.Hosting;

public static class HostingFeature
{
    public static WebApplicationBuilder AddHosting(this WebApplicationBuilder builder)
    {
        builder.AddLogDefaults();
        builder.Services.AddOptions<ServerOptions>()
            .Configure<IConfiguration>((options, configuration) => Bind(options, configuration))
            .Validate(options => options.Port is > 0 and < 65536, "LATCHKEY_PORT must be a TCP port (1-65535).")
            .Validate(options => IsBindable(options.Bind), "LATCHKEY_BIND must be localhost, an IP address (0.0.0.0 for every interface) or a host name.")
            .Validate(options => IsUrlOrEmpty(options.ServerUrl), "LATCHKEY_SERVER_URL must be an absolute http(s) URL.")
            .Validate(options => IsUrlOrEmpty(options.CallbackUrl), "LATCHKEY_CALLBACK_URL must be an absolute http(s) URL.")
            .Validate(options => IsUrlOrEmpty(options.ConnectUiUrl), "LATCHKEY_CONNECT_UI_URL must be an absolute http(s) URL.")
            .Validate(options => options.MaxBodyBytes is >= 1024 and <= 100 * 1024 * 1024, "LATCHKEY_MAX_BODY_BYTES must be between 1 KiB and 100 MiB.")
            .Validate(options => Transport.ParseProxies(options.TrustedProxies) is not null, "LATCHKEY_TRUSTED_PROXIES must be IP addresses or CIDR ranges (e.g. 10.0.0.0/8), separated by commas.")
            .Validate(options => options.TlsCertificateFile is null || File.Exists(options.TlsCertificateFile), "LATCHKEY_TLS_CERT_FILE names no readable file.")
            .Validate(options => options.TlsKeyFile is null || (options.TlsCertificateFile is not null && File.Exists(options.TlsKeyFile)), "LATCHKEY_TLS_KEY_FILE needs LATCHKEY_TLS_CERT_FILE and must name a readable file.")
            .ValidateOnStart();

        // The slim builder leaves out what an https:// address needs: without this, such an address fails the start.
        builder.WebHost.UseKestrelHttpsConfiguration();

        // The options are bound once (above); Kestrel reads them from the container. It listens on
        // LATCHKEY_BIND:LATCHKEY_PORT unless the standard ASP.NET settings (--urls, ASPNETCORE_URLS) say otherwise.
        builder.WebHost.ConfigureKestrel((context, kestrel) =>
        {
            var server = kestrel.ApplicationServices.GetRequiredService<IOptions<ServerOptions>>().Value;
            var certificate = server.TlsCertificateFile is { Length: > 0 } file && File.Exists(file)
                ? Transport.LoadCertificate(file, server.TlsKeyFile, server.TlsCertificatePassword)
                : null;
            if (certificate is not null)
            {
                // Also what an https:// entry of --urls / ASPNETCORE_URLS uses.
                kestrel.ConfigureHttpsDefaults(https => https.ServerCertificate = certificate);
            }

            if (string.IsNullOrEmpty(context.Configuration["urls"]))
            {
                Listen(kestrel, server.Bind, server.Port, certificate);
            }

            kestrel.Limits.MaxRequestBodySize = server.MaxBodyBytes;
            kestrel.Limits.KeepAliveTimeout = TimeSpan.FromSeconds(61);
            kestrel.AddServerHeader = false;
        });

        // URLs carry session tokens, states and codes: the categories that print them stay at Warning whatever the
        // configuration (or its absence, outside the app folder) says, so no token reaches a log.
        builder.Services.AddUrlLoggingGuard();

        builder.Services.ConfigureHttpJsonOptions(json =>
        {
            json.SerializerOptions.PropertyNamingPolicy = LatchkeyJson.Options.PropertyNamingPolicy;
            json.SerializerOptions.DictionaryKeyPolicy = null;
        });
        builder.Services.TryAddSingleton(TimeProvider.System);
        builder.Services.AddHttpContextAccessor();
        builder.Services.AddSingleton<PublicUrls>();
        builder.Services.AddLatchkeyCors();
        builder.Services.AddTransient<IStartupFilter, ForwardedHeadersFirst>();
        builder.AddRateLimits();
        builder.Services.AddReadinessChecks();
        builder.Services.AddHostedService<IdleMemoryTrim>();
        builder.AddTelemetry();
        return builder;
    }

    /// <summary>The request pipeline, in the order it must run.</summary>
    public static WebApplication UseHosting(this WebApplication app)
    {
        app.UseExceptionHandler(new ExceptionHandlerOptions { ExceptionHandler = RequestRules.WriteUnhandledError });
        app.Use(ClientAborts.Catch);
        app.UseStatusCodePages(context => RequestRules.WriteStatusEnvelope(context.HttpContext));
        app.Use(RequestRules.AddSecurityHeaders);
        app.UseRouting();
        app.UseCors();
        app.Use(RequestRules.RequireJsonContentType);
        return app;
    }

    // What UseUrls would do with http://{bind}:{port}: localhost means both loopbacks, an IP that address, a name every interface.
    // With a certificate the listener speaks HTTPS only. A scheme written into LATCHKEY_BIND is ignored.
    private static void Listen(KestrelServerOptions kestrel, string bind, int port, X509Certificate2? certificate)
    {
        Action<ListenOptions> configure = certificate is null ? _ => { } : listen => listen.UseHttps(certificate);
        var host = StripScheme(bind);
        if (host.Equals("localhost", StringComparison.OrdinalIgnoreCase))
        {
            kestrel.ListenLocalhost(port, configure);
        }
        else if (IPAddress.TryParse(host.Trim('[', ']'), out var address))
        {
            kestrel.Listen(address, port, configure);
        }
        else
        {
            kestrel.ListenAnyIP(port, configure);
        }
    }

    private static string StripScheme(string bind)
    {
        var text = bind.Trim();
        var scheme = text.IndexOf("://", StringComparison.Ordinal);
        text = scheme >= 0 ? text[(scheme + 3)..] : text;
        return text.TrimEnd('/');
    }

    /// <summary>Puts the forwarded-headers middleware before everything else, when proxies are trusted.</summary>
    private sealed class ForwardedHeadersFirst(IOptions<ServerOptions> options) : IStartupFilter
    {
        public Action<IApplicationBuilder> Configure(Action<IApplicationBuilder> next) => app =>
        {
            if (options.Value.Proxies is { Count: > 0 } proxies)
            {
                app.UseForwardedHeaders(Transport.ForwardedHeaders(proxies));
            }

            next(app);
        };
    }

    private static void Bind(ServerOptions options, IConfiguration configuration)
    {
        if (int.TryParse(configuration["LATCHKEY_PORT"] ?? configuration["PORT"], out var port))
        {
            options.Port = port;
        }

        options.Bind = configuration["LATCHKEY_BIND"] ?? options.Bind;
        options.ServerUrl = configuration["LATCHKEY_SERVER_URL"];
        options.CallbackUrl = configuration["LATCHKEY_CALLBACK_URL"];
        options.ConnectUiUrl = configuration["LATCHKEY_CONNECT_UI_URL"];
        options.TrustedProxies = configuration["LATCHKEY_TRUSTED_PROXIES"];
        options.TlsCertificateFile = NullIfEmpty(configuration["LATCHKEY_TLS_CERT_FILE"]);
        options.TlsKeyFile = NullIfEmpty(configuration["LATCHKEY_TLS_KEY_FILE"]);
        options.TlsCertificatePassword = NullIfEmpty(configuration["LATCHKEY_TLS_CERT_PASSWORD"]);
        options.PublicKeyAuth = bool.TryParse(configuration["LATCHKEY_PUBLIC_KEY_AUTH"], out var publicKey) && publicKey;
        if (long.TryParse(configuration["LATCHKEY_MAX_BODY_BYTES"], out var maxBody))
        {
            options.MaxBodyBytes = maxBody;
        }
    }

    private static string? NullIfEmpty(string? value) => string.IsNullOrWhiteSpace(value) ? null : value.Trim();

    // What Listen accepts; a scheme or a trailing slash is tolerated there, so here too.
    private static bool IsBindable(string bind) =>
        StripScheme(bind) is { Length: > 0 } host && (IPAddress.TryParse(host.Trim('[', ']'), out _) || Uri.CheckHostName(host) == UriHostNameType.Dns);

    private static bool IsUrlOrEmpty(string? value) =>
        string.IsNullOrWhiteSpace(value) || (Uri.TryCreate(value, UriKind.Absolute, out var uri) && uri.Scheme is "http" or "https");
}
