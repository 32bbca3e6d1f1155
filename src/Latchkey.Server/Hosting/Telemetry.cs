using System.Text.Json;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;

namespace Latchkey.Server.Hosting;

/// <summary>
/// Logs as text or JSON (<c>LATCHKEY_LOG_FORMAT</c>), and OpenTelemetry traces and metrics exported over OTLP when
/// the standard <c>OTEL_EXPORTER_OTLP_ENDPOINT</c> (or a signal's own endpoint) is set. Without it the SDK is not
/// even registered: no listener, no exporter, nothing sent.
/// </summary>
public static class Telemetry
{
    public const string LogFormatSetting = "LATCHKEY_LOG_FORMAT";
    private static readonly string[] EndpointSettings =
        ["OTEL_EXPORTER_OTLP_ENDPOINT", "OTEL_EXPORTER_OTLP_TRACES_ENDPOINT", "OTEL_EXPORTER_OTLP_METRICS_ENDPOINT"];

    public static WebApplicationBuilder AddTelemetry(this WebApplicationBuilder builder)
    {
        var configuration = builder.Configuration;
        builder.Services.AddSingleton<LatchkeyMetrics>();
        builder.Services.AddOptions<TelemetryOptions>()
            .Configure(options => options.LogFormat = configuration[LogFormatSetting]?.Trim().ToLowerInvariant() is { Length: > 0 } format ? format : "text")
            .Validate(options => options.LogFormat is "text" or "json", $"{LogFormatSetting} must be text or json.")
            .ValidateOnStart();

        if (configuration[LogFormatSetting]?.Trim().Equals("json", StringComparison.OrdinalIgnoreCase) == true)
        {
            // One JSON object per line (the built-in formatter), UTC timestamps, scopes left out: log shippers parse
            // each line on its own. Which categories are logged is unchanged (see UrlLoggingGuard).
            builder.Logging.AddJsonConsole(json =>
            {
                json.UseUtcTimestamp = true;
                json.TimestampFormat = "yyyy-MM-ddTHH:mm:ss.fffZ";
                json.IncludeScopes = false;
                json.JsonWriterOptions = new JsonWriterOptions { Indented = false };
            });
        }

        if (!EndpointSettings.Any(name => !string.IsNullOrWhiteSpace(configuration[name])))
        {
            return builder;
        }

        // The exporter reads the other OTEL_* settings itself (protocol, headers, intervals, service name). Query
        // strings are redacted by both instrumentations by default: session tokens and OAuth codes ride in them.
        builder.Services.AddOpenTelemetry()
            .ConfigureResource(resource => resource.AddService(configuration["OTEL_SERVICE_NAME"] ?? "latchkey",
                serviceVersion: typeof(Telemetry).Assembly.GetName().Version?.ToString(3)))
            .WithTracing(tracing => tracing
                .AddAspNetCoreInstrumentation()
                .AddHttpClientInstrumentation()
                .AddOtlpExporter())
            .WithMetrics(metrics => metrics
                .AddAspNetCoreInstrumentation()
                .AddHttpClientInstrumentation()
                .AddMeter(LatchkeyMetrics.MeterName)
                .AddOtlpExporter());
        return builder;
    }
}

/// <summary><c>LATCHKEY_LOG_FORMAT</c>: <c>text</c> (default) or <c>json</c>.</summary>
public sealed class TelemetryOptions
{
    public string LogFormat { get; set; } = "text";
}
