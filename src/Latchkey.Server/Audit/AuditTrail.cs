using System.Text.Json.Nodes;

namespace Latchkey.Server.Audit;

/// <summary>
/// How every feature records a change: who (<see cref="AuditActor"/>), what (<see cref="AuditActions"/>), on which
/// environment (null: none, e.g. users and logins), on what (an integration key, a connection, an e-mail) and what
/// changed (<see cref="AuditChanges"/>: never a secret value). Written after the change, before the answer.
/// </summary>
public sealed class AuditTrail(AuditStore store, TimeProvider clock)
{
    private const int MaxActor = 255;
    private const int MaxTarget = 512;

    public Task RecordAsync(AuditActor actor, string action, long? environmentId, string? target, CancellationToken cancellationToken) =>
        RecordAsync(actor, action, environmentId, target, null, cancellationToken);

    public Task RecordAsync(AuditActor actor, string action, long? environmentId, string? target, JsonObject? changes, CancellationToken cancellationToken) =>
        store.InsertAsync(new AuditEntry
        {
            At = clock.GetUtcNow().ToUnixTimeMilliseconds(),
            EnvironmentId = environmentId,
            Actor = Cut(actor.Name, MaxActor)!,
            ActorType = actor.Type,
            Ip = actor.Ip,
            Action = action,
            Target = Cut(target, MaxTarget),
            Changes = changes is null || changes.Count == 0 ? null : changes.ToJsonString(),
        }, cancellationToken);

    private static string? Cut(string? value, int max) => value is null || value.Length <= max ? value : value[..max];
}
