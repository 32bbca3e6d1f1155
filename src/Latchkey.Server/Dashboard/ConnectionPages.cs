using System.Text.Json;
using System.Text.Json.Nodes;
using Latchkey.Server.Audit;
using Latchkey.Server.ConnectSessions;
using Latchkey.Server.Connections;
using Latchkey.Server.Dashboard.Pages;
using Latchkey.Server.Hosting;
using Latchkey.Server.Hosting.Validation;
using Latchkey.Server.Integrations;

namespace Latchkey.Server.Dashboard;

/// <summary>Connections: list with search and filters, detail (credentials on request), delete, share a connect link.</summary>
public static class ConnectionPages
{
    private static readonly JsonSerializerOptions Pretty = new() { WriteIndented = true };

    public static async Task<IResult> ListAsync(string env, string? q, string? integration, string? status, string? tag, HttpContext http,
        DashboardContexts contexts, ConnectionStore connections, IntegrationStore integrations, CancellationToken cancellationToken)
    {
        if (await contexts.ForAsync(http, env, "connections", cancellationToken) is not { } ctx)
        {
            return DashboardAccess.NotFoundPage();
        }

        var tags = new Dictionary<string, string>(StringComparer.Ordinal);
        if (tag?.Split('=', 2) is [{ Length: > 0 } tagKey, var tagValue])
        {
            tags[tagKey.ToLowerInvariant()] = tagValue;
        }

        var filter = new ConnectionFilter(null, string.IsNullOrWhiteSpace(q) ? null : q.Trim(), null, null,
            string.IsNullOrEmpty(integration) ? null : [integration], tags, Limit: 200, Page: 0);
        var list = await connections.ListAsync(ctx.Environment.Id, filter, cancellationToken);
        var rows = list
            .Where(c => status switch
            {
                "refresh_failed" => c.LastRefreshFailureAt is not null,
                "ok" => c.LastRefreshFailureAt is null,
                _ => true,
            })
            .Select(c => new ConnectionsPage.Row(c.ConnectionId, c.IntegrationKey, c.Provider, c.EndUserId, c.EndUserEmail,
                c.LastRefreshFailureAt is not null, c.LastRefreshError, c.CreatedAt))
            .ToArray();
        var keys = (await integrations.ListAsync(ctx.Environment.Id, cancellationToken)).Select(i => i.UniqueKey).ToArray();
        return DashboardAccess.Page<ConnectionsPage>(ctx with { Notice = IntegrationPages.Notice(http) },
            new ConnectionsPage.View(rows, keys, q, integration, status, tag));
    }

    public static async Task<IResult> DetailAsync(string env, string key, string connectionId, HttpContext http,
        DashboardContexts contexts, ConnectionStore connections, CancellationToken cancellationToken)
    {
        if (await contexts.ForAsync(http, env, "connections", cancellationToken) is not { } ctx ||
            await connections.FindAsync(ctx.Environment.Id, key, connectionId, cancellationToken) is not { } connection)
        {
            return DashboardAccess.NotFoundPage();
        }

        return DashboardAccess.Page<ConnectionPage>(ctx, Describe(connection, credentials: null));
    }

    /// <summary>Credentials are shown only after a deliberate POST, so they never sit in a URL, history or cache.</summary>
    public static async Task<IResult> RevealAsync(string env, string key, string connectionId, IFormCollection form, HttpContext http,
        DashboardContexts contexts, ConnectionStore connections, ConnectionSecrets secrets, AuditTrail audit, CancellationToken cancellationToken)
    {
        _ = form;
        if (await contexts.ForAsync(http, env, "connections", cancellationToken) is not { } ctx ||
            await connections.FindAsync(ctx.Environment.Id, key, connectionId, cancellationToken) is not { } connection)
        {
            return DashboardAccess.NotFoundPage();
        }

        var credentials = secrets.Open(connection).ToJsonString(Pretty);
        await ConnectionAudit.CredentialsRevealedAsync(audit, ctx.Actor, connection, cancellationToken);
        return DashboardAccess.Page<ConnectionPage>(ctx, Describe(connection, credentials));
    }

    public static async Task<IResult> DeleteAsync(string env, string key, string connectionId, IFormCollection form, HttpContext http,
        DashboardContexts contexts, ConnectionStore connections, AuditTrail audit, CancellationToken cancellationToken)
    {
        _ = form;
        if (await contexts.ForAsync(http, env, "connections", cancellationToken) is not { } ctx ||
            await connections.FindAsync(ctx.Environment.Id, key, connectionId, cancellationToken) is not { } connection)
        {
            return DashboardAccess.NotFoundPage();
        }

        if (await connections.SoftDeleteAsync(connection.Id, cancellationToken))
        {
            await ConnectionAudit.DeletedAsync(audit, ctx.Actor, connection, cancellationToken);
        }

        return Results.Redirect(ctx.Url("connections") + "?done=" + Uri.EscapeDataString($"Connection {connectionId} deleted."));
    }

    public static async Task<IResult> ShareFormAsync(string env, HttpContext http, DashboardContexts contexts, IntegrationStore integrations, CancellationToken cancellationToken)
    {
        if (await contexts.ForAsync(http, env, "connections", cancellationToken) is not { } ctx)
        {
            return DashboardAccess.NotFoundPage();
        }

        var keys = (await integrations.ListAsync(ctx.Environment.Id, cancellationToken)).Select(i => i.UniqueKey).ToArray();
        return DashboardAccess.Page<SharePage>(ctx, new SharePage.View(keys, null, null));
    }

    /// <summary>Creates a connect session for an end user (up to 7 days) and shows its link to hand over.</summary>
    public static async Task<IResult> ShareAsync(string env, IFormCollection form, HttpContext http, DashboardContexts contexts,
        IntegrationStore integrations, ConnectSessionStore sessions, PublicUrls urls, AuditTrail audit, CancellationToken cancellationToken)
    {
        if (await contexts.ForAsync(http, env, "connections", cancellationToken) is not { } ctx)
        {
            return DashboardAccess.NotFoundPage();
        }

        var keys = (await integrations.ListAsync(ctx.Environment.Id, cancellationToken)).Select(i => i.UniqueKey).ToArray();
        var chosen = form["integration"].Where(k => k is not null && keys.Contains(k)).Select(k => k!).ToArray();
        var endUserId = form["end_user_id"].ToString().Trim();
        var email = form["end_user_email"].ToString().Trim();
        var days = int.TryParse(form["days"], out var d) ? d : 7;
        string? problem = null;
        if (endUserId.Length is 0 or > InputLimits.Name)
        {
            problem = "An end user id (1 to 255 characters) is needed.";
        }
        else if (email.Length > 0 && (email.Length > InputLimits.Name || !Identifiers.EmailPattern().IsMatch(email)))
        {
            problem = "The e-mail address is not valid.";
        }
        else if (days is < 1 or > 7)
        {
            problem = "A link lasts 1 to 7 days.";
        }

        if (problem is not null)
        {
            return DashboardAccess.Page<SharePage>(ctx with { Problem = problem }, new SharePage.View(keys, null, null), StatusCodes.Status400BadRequest);
        }

        var terms = new SessionTerms(new EndUserProfile(endUserId, email.Length > 0 ? email : null, null, null), null,
            chosen.Length > 0 ? chosen : null, null, null, null, null);
        var (session, token) = await sessions.CreateAsync(new NewConnectSession(ctx.Environment.Id, terms, null, TimeSpan.FromDays(days)), cancellationToken);
        await audit.RecordAsync(ctx.Actor, AuditActions.ConnectLinkCreated, ctx.Environment.Id, endUserId, new JsonObject
        {
            ["integrations"] = new JsonArray(chosen.Select(k => (JsonNode?)k).ToArray()),
            ["end_user_email"] = email.Length > 0 ? email : null,
            ["days"] = days,
        }, cancellationToken);
        return DashboardAccess.Page<SharePage>(ctx, new SharePage.View(keys, urls.ConnectLink(token), session.ExpiresAt.ToUnixTimeMilliseconds()));
    }

    private static ConnectionPage.View Describe(StoredConnection c, string? credentials) => new(
        c.ConnectionId, c.IntegrationKey, c.Provider, c.EndUserId, c.EndUserEmail,
        Indent(c.Metadata), Indent(c.Tags), Indent(c.ConnectionConfig), c.CreatedAt,
        c.LastRefreshSuccessAt, c.LastRefreshFailureAt, c.LastRefreshError, c.CredentialsExpiresAt, credentials);

    private static string Indent(string? json) =>
        json is null ? "{}" : JsonNode.Parse(json)?.ToJsonString(Pretty) ?? "{}";
}
