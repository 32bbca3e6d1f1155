using Latchkey.Server.Connections;
using Latchkey.Server.Hosting;
using Latchkey.Server.Logs;

namespace Latchkey.Server.Proxy;

/// <summary>How a proxied call ended: the status the caller got, the provider's host, our error code when it was ours.</summary>
public sealed record ProxyResult(int Status, string? Host, string? ErrorType, int Retries, IReadOnlyList<AuthLogStep> Steps);

/// <summary>
/// Records each proxied call in the auth log (kind <c>proxy</c>, seen in <c>GET /logs</c> and the dashboard): method,
/// host, the caller's endpoint path, status, duration and retries. Never the query (an API key may ride in it), a
/// header or a body; the host is the provider's, and the path is the caller's own endpoint, not the rendered base
/// URL (some providers put a key in it).
/// </summary>
public sealed class ProxyLog(AuthLogWriter writer, LatchkeyMetrics metrics, TimeProvider clock)
{
    public void Record(StoredConnection connection, string method, string endpoint, ProxyResult result, DateTimeOffset startedAt)
    {
        var path = endpoint.Split('?', 2)[0];
        var duration = clock.GetUtcNow() - startedAt;
        var retries = result.Retries switch { 0 => "", 1 => ", 1 retry", var n => $", {n} retries" };
        var message = $"{method} {result.Host ?? "(not sent)"}{(path.StartsWith('/') ? path : "/" + path)} → {result.Status} in {duration.TotalMilliseconds:0} ms{retries}";
        metrics.ProxyCalled(method, result.Status);
        writer.Record(new AuthLogEntry(connection.EnvironmentId, "proxy", connection.IntegrationKey, connection.ConnectionId,
            result.Status < 400 && result.ErrorType is null, result.ErrorType, message, result.Steps, startedAt, duration));
    }
}
