using System.Text.Json;
using Latchkey.Server.Storage;

namespace Latchkey.Server.Realtime;

/// <summary>
/// The bus of instances sharing PostgreSQL: the provider's callback may land on another instance than the SDK's
/// WebSocket. The outcome goes straight to the socket when it is here, and otherwise out as a NOTIFY that the
/// instance holding the socket delivers (<see cref="AuthOutcomeRelay"/>).
/// </summary>
public sealed class PostgresAuthResultBus(RealtimeHub hub, InstanceNotifications notifications, ILogger<PostgresAuthResultBus> logger) : IAuthResultBus
{
    public async Task PublishAsync(AuthOutcome outcome, CancellationToken cancellationToken)
    {
        if (await hub.TryDeliverAsync(outcome, cancellationToken))
        {
            return;
        }

        if (AuthOutcomeRelay.Encode(outcome) is not { } payload)
        {
            logger.LogWarning("An OAuth outcome of {Integration} is too large to relay to other instances", outcome.ProviderConfigKey);
            return;
        }

        await notifications.PublishAsync(AuthOutcomeRelay.Channel, payload, cancellationToken);
    }
}

/// <summary>Delivers outcomes relayed by other instances to the socket they wait for, when this instance holds it.</summary>
public sealed class AuthOutcomeRelay(RealtimeHub hub, ILogger<AuthOutcomeRelay> logger) : INotificationHandler
{
    public const string Channel = "latchkey_auth_outcome";

    // The description is the only free text; cut to this, a relayed outcome stays far below NOTIFY's 8000 bytes.
    private const int DescriptionLimit = 2000;

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    string INotificationHandler.Channel => Channel;

    /// <summary>The outcome as a NOTIFY payload (it carries no secret), or null if it cannot fit.</summary>
    public static string? Encode(AuthOutcome outcome)
    {
        if (outcome.ErrorDescription is { Length: > DescriptionLimit } description)
        {
            outcome = outcome with { ErrorDescription = description[..DescriptionLimit] };
        }

        var payload = JsonSerializer.Serialize(outcome, Json);
        return InstanceNotifications.Fits(payload) ? payload : null;
    }

    public async Task HandleAsync(string payload, CancellationToken cancellationToken)
    {
        AuthOutcome? outcome;
        try
        {
            outcome = JsonSerializer.Deserialize<AuthOutcome>(payload, Json);
        }
        catch (JsonException)
        {
            outcome = null;
        }

        if (outcome is not { WebSocketClientId: not null, ProviderConfigKey: not null, ConnectionId: not null })
        {
            logger.LogWarning("Ignored a malformed OAuth outcome on {Channel}", Channel);
            return;
        }

        // Every instance hears every outcome; only the one holding the socket does anything.
        await hub.TryDeliverAsync(outcome, cancellationToken);
    }

    // An outcome sent during the gap is lost; its SDK reports the closed popup as usual. Nothing is cached here.
    public void MissedMessages()
    {
    }
}
