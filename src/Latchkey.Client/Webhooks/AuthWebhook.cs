using System.Text.Json.Serialization;

namespace Latchkey.Client;

/// <summary>
/// An auth webhook: Latchkey tells you a connection was created, re-authorised (<c>override</c>) or failed to refresh.
/// Body keys are camelCase and sorted; unknown keys are ignored so newer servers stay readable.
/// </summary>
public sealed record AuthWebhook
{
    /// <summary>Always <c>auth</c>.</summary>
    public string Type { get; init; } = "auth";

    /// <summary>Always <c>nango</c> (kept for compatibility with Nango receivers).</summary>
    public string From { get; init; } = "nango";

    /// <summary>The connection concerned.</summary>
    public required string ConnectionId { get; init; }

    /// <summary>Its integration key.</summary>
    public required string ProviderConfigKey { get; init; }

    /// <summary>The provider name, or <c>unknown</c>.</summary>
    public string Provider { get; init; } = "unknown";

    /// <summary>The provider's auth mode (<c>OAUTH2</c>, <c>API_KEY</c>…).</summary>
    public string? AuthMode { get; init; }

    /// <summary>The environment's name (<c>dev</c>, <c>prod</c>).</summary>
    public string? Environment { get; init; }

    /// <summary><c>creation</c>, <c>override</c> or <c>refresh</c>; see the constants of <see cref="AuthWebhookOperations"/>.</summary>
    public required string Operation { get; init; }

    /// <summary>Whether the operation succeeded; when false, <see cref="Error"/> says why.</summary>
    public bool Success { get; init; }

    /// <summary>The connection's tags, when known.</summary>
    public IReadOnlyDictionary<string, string>? Tags { get; init; }

    /// <summary>The end user, when the connection was made through a session with one.</summary>
    public AuthWebhookEndUser? EndUser { get; init; }

    /// <summary>What went wrong, on failures.</summary>
    public AuthWebhookError? Error { get; init; }

    /// <summary>
    /// The delivery's event id (<c>X-Latchkey-Event-Id</c>), the same on every retry of one event: use it to process
    /// an event once. Null for Nango-style deliveries, which carry none.
    /// </summary>
    [JsonIgnore]
    public string? EventId { get; init; }
}

/// <summary>The values of <see cref="AuthWebhook.Operation"/>.</summary>
public static class AuthWebhookOperations
{
    /// <summary>A new connection (or a failed attempt to create one).</summary>
    public const string Creation = "creation";

    /// <summary>An existing connection was authorised again.</summary>
    public const string Override = "override";

    /// <summary>Refreshing or testing the credentials failed.</summary>
    public const string Refresh = "refresh";
}

/// <summary>The end user of an auth webhook.</summary>
public sealed record AuthWebhookEndUser
{
    /// <summary>Your id for the user.</summary>
    public required string EndUserId { get; init; }

    /// <summary>The user's e-mail, or null.</summary>
    public string? EndUserEmail { get; init; }

    /// <summary>The user's organization id.</summary>
    public string? OrganizationId { get; init; }

    /// <summary>The user's tags.</summary>
    public IReadOnlyDictionary<string, string>? Tags { get; init; }
}

/// <summary>The error of a failed operation.</summary>
/// <param name="Type">A code such as <c>refresh_token_external_error</c> or <c>connection_test_failed</c>.</param>
/// <param name="Description">A human sentence.</param>
public sealed record AuthWebhookError(string Type, string? Description);

[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase, DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(AuthWebhook))]
internal sealed partial class WebhookJsonContext : JsonSerializerContext;
