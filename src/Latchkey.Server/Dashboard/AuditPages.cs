using System.Globalization;
using Latchkey.Server.Audit;
using Latchkey.Server.Dashboard.Pages;
using Latchkey.Server.Environments;

namespace Latchkey.Server.Dashboard;

/// <summary>The Audit page: the environment's entries and those of no environment, searchable by actor, action and date.</summary>
public static class AuditPages
{
    public static async Task<IResult> ListAsync(string env, HttpContext http, DashboardContexts contexts, AuditStore store, EnvironmentStore environments, CancellationToken cancellationToken)
    {
        var ctx = (await contexts.ForAsync(http, env, "audit", cancellationToken))!;
        var query = http.Request.Query;
        var filter = AuditEndpoints.ReadFilter(query, ctx.Environment.Id);
        var entries = filter.Failed ? [] : await store.ListAsync(filter.Value with { Limit = 100 }, cancellationToken);
        var names = (await environments.ListAsync(cancellationToken)).ToDictionary(e => e.Id, e => e.Name);
        var rows = entries.Select(e => new AuditPage.Row(e.At, e.Actor, e.Ip, e.Action, e.EnvironmentId is { } id ? names.GetValueOrDefault(id) : null, e.Target, e.Changes)).ToArray();
        string? older = null;
        if (entries.Count == 100)
        {
            var next = query.ToDictionary(p => p.Key, p => p.Value.ToString(), StringComparer.Ordinal);
            next["cursor"] = entries[^1].Id.ToString(CultureInfo.InvariantCulture);
            older = ctx.Url("audit") + QueryString.Create(next!);
        }

        return DashboardAccess.Page<AuditPage>(ctx with { Problem = filter.Failed ? "Check the filters: " + string.Join("; ", filter.Error.Errors?.Select(i => $"{string.Join('.', i.Path)} {i.Message}") ?? []) : null },
            new AuditPage.View(rows, query["actor"], query["action"], query["from"], query["to"], older), filter.Failed ? StatusCodes.Status400BadRequest : StatusCodes.Status200OK);
    }
}
