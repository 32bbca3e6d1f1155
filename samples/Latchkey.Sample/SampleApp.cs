using System.Collections.Concurrent;
using Latchkey.Client;
using Latchkey.Client.AspNetCore;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Latchkey.Sample;

/// <summary>
/// A customer's backend: its page asks it for a session token and opens the Connect UI with the browser SDK; Latchkey
/// tells it about the new connection by webhook; its connection page reads the credentials back with the .NET SDK.
/// Settings: LATCHKEY_URL, LATCHKEY_SECRET_KEY, LATCHKEY_WEBHOOK_SIGNING_KEY (defaults to the secret key),
/// SAMPLE_FRONTEND_SCRIPT (path of latchkey-frontend.global.js; defaults to the repository's web/frontend/dist).
/// </summary>
public static class SampleApp
{
    public static WebApplication Build(string[] args, Action<WebApplicationBuilder>? configure = null)
    {
        var builder = WebApplication.CreateSlimBuilder(args);
        configure?.Invoke(builder);
        var configuration = builder.Configuration;
        var latchkeyUrl = configuration["LATCHKEY_URL"] ?? "http://localhost:3003";
        var secretKey = configuration["LATCHKEY_SECRET_KEY"]
            ?? throw new InvalidOperationException("Set LATCHKEY_SECRET_KEY to your Latchkey environment's secret key.");

        builder.Services.AddLatchkeyClient(options =>
        {
            options.BaseUrl = latchkeyUrl;
            options.SecretKey = secretKey;
        });
        builder.Services.AddLatchkeyWebhooks(options => options.SigningKey = configuration["LATCHKEY_WEBHOOK_SIGNING_KEY"] ?? secretKey);
        builder.Services.AddSingleton<WebhookLog>();

        var app = builder.Build();
        // The two pages are embedded in the assembly, so the app serves them wherever it runs from.
        app.MapGet("/", () => Results.Content(Page("index.html"), "text/html; charset=utf-8"));
        app.MapGet("/connection.html", () => Results.Content(Page("connection.html"), "text/html; charset=utf-8"));

        // The page needs the Latchkey URL (for the SDK) and the browser SDK's script build.
        app.MapGet("/config.js", () => Results.Text($"window.LATCHKEY_URL = {System.Text.Json.JsonSerializer.Serialize(latchkeyUrl, SampleJson.Default.String)};", "text/javascript"));
        var frontendScript = configuration["SAMPLE_FRONTEND_SCRIPT"];
        app.MapGet("/latchkey-frontend.global.js", () => FrontendScript(frontendScript) is { } path
            ? Results.File(path, "text/javascript")
            : Results.NotFound("Build the browser SDK first: cd web && npm run build"));

        app.MapPost("/api/session", CreateSessionAsync);
        app.MapGet("/api/connection/{integration}/{connectionId}", ReadConnectionAsync);
        app.MapGet("/api/webhooks", (WebhookLog log) => Results.Json(log.Received.ToArray(), SampleJson.Default.AuthWebhookArray));
        app.MapLatchkeyWebhook("/webhooks/latchkey", (AuthWebhook hook, WebhookLog log, ILogger<WebhookLog> logger) =>
        {
            logger.LogInformation("Auth webhook {Operation} for connection {ConnectionId}: success={Success}", hook.Operation, hook.ConnectionId, hook.Success);
            log.Received.Enqueue(hook);
            return Results.Ok();
        });
        return app;
    }

    /// <summary>The page's backend call: one connect session for the signed-in user (here a fixed demo user).</summary>
    public static async Task<Ok<SessionResponse>> CreateSessionAsync(LatchkeyClient latchkey, CancellationToken cancellationToken)
    {
        var session = await latchkey.CreateConnectSessionAsync(new CreateConnectSessionRequest
        {
            EndUser = new EndUser { Id = "demo-user", Email = "demo@example.com", DisplayName = "Demo User" },
        }, cancellationToken);
        return TypedResults.Ok(new SessionResponse(session.Token, session.ExpiresAt));
    }

    /// <summary>What the connection page shows: the credential type and a masked secret, never the secret itself.</summary>
    public static async Task<Results<Ok<ConnectionSummary>, NotFound<string>>> ReadConnectionAsync(
        string integration, string connectionId, LatchkeyClient latchkey, CancellationToken cancellationToken)
    {
        try
        {
            var connection = await latchkey.GetConnectionAsync(integration, connectionId, cancellationToken: cancellationToken);
            var secret = connection.Credentials switch
            {
                OAuth2Credentials oauth => oauth.AccessToken,
                ApiKeyCredentials apiKey => apiKey.ApiKey,
                BasicCredentials basic => basic.Password,
                _ => "",
            };
            return TypedResults.Ok(new ConnectionSummary(
                connection.ConnectionId, connection.ProviderConfigKey, connection.Credentials.Type, Mask(secret),
                connection.EndUser?.Id, connection.CreatedAt));
        }
        catch (LatchkeyApiException error) when (error.Code is "not_found" or "unknown_provider_config")
        {
            return TypedResults.NotFound(error.Message);
        }
    }

    private static string Page(string name)
    {
        using var stream = typeof(SampleApp).Assembly.GetManifestResourceStream($"Latchkey.Sample.Pages.{name}")!;
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    }

    private static string Mask(string secret) => secret.Length <= 4 ? new string('•', secret.Length) : $"{secret[..4]}…({secret.Length} characters)";

    private static string? FrontendScript(string? configured)
    {
        if (configured is not null)
        {
            return File.Exists(configured) ? configured : null;
        }

        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            var candidate = Path.Combine(directory.FullName, "web/frontend/dist/latchkey-frontend.global.js");
            if (File.Exists(candidate))
            {
                return candidate;
            }
        }

        return null;
    }
}

public sealed record SessionResponse(string SessionToken, DateTimeOffset ExpiresAt);

public sealed record ConnectionSummary(string ConnectionId, string Integration, string CredentialType, string MaskedSecret, string? EndUserId, DateTimeOffset CreatedAt);

/// <summary>The webhooks received since start, newest last (a real app stores them).</summary>
public sealed class WebhookLog
{
    public ConcurrentQueue<AuthWebhook> Received { get; } = new();
}

[System.Text.Json.Serialization.JsonSourceGenerationOptions(PropertyNamingPolicy = System.Text.Json.Serialization.JsonKnownNamingPolicy.CamelCase)]
[System.Text.Json.Serialization.JsonSerializable(typeof(string))]
[System.Text.Json.Serialization.JsonSerializable(typeof(AuthWebhook[]))]
[System.Text.Json.Serialization.JsonSerializable(typeof(SessionResponse))]
[System.Text.Json.Serialization.JsonSerializable(typeof(ConnectionSummary))]
internal sealed partial class SampleJson : System.Text.Json.Serialization.JsonSerializerContext;
