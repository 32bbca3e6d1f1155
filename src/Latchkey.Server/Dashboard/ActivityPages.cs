using Latchkey.Server.Audit;
using Latchkey.Server.Dashboard.Pages;
using Latchkey.Server.Hosting;
using Latchkey.Server.Integrations;
using Latchkey.Server.Logs;
using Latchkey.Server.Webhooks;

namespace Latchkey.Server.Dashboard;

/// <summary>Logs of auth attempts, and webhook deliveries with their attempts and a redeliver button.</summary>
public static class ActivityPages
{
    public static async Task<IResult> LogsAsync(string env, HttpContext http, DashboardContexts contexts, AuthLogStore logs, IntegrationStore integrations, CancellationToken cancellationToken)
    {
        if (await contexts.ForAsync(http, env, "logs", cancellationToken) is not { } ctx)
        {
            return DashboardAccess.NotFoundPage();
        }

        var filter = LogsEndpoints.ReadFilter(http.Request.Query);
        var entries = filter.Failed ? [] : await logs.ListAsync(ctx.Environment.Id, filter.Value! with { Limit = 100 }, cancellationToken);
        var rows = entries.Select(l => new LogsPage.Row(l.Kind, l.IntegrationKey, l.ConnectionId, l.Success, l.ErrorType, l.Message,
            l.StartedAt, l.DurationMs, l.StepList.Select(s => $"{Timestamps.Format(s.At)[11..23]} {s.Name}{(s.Detail is null ? "" : ": " + s.Detail)}").ToArray())).ToArray();
        var keys = (await integrations.ListAsync(ctx.Environment.Id, cancellationToken)).Select(i => i.UniqueKey).ToArray();
        return DashboardAccess.Page<LogsPage>(ctx with { Problem = filter.Failed ? "Unknown filter value." : null }, new LogsPage.View(rows, keys,
            http.Request.Query["connection_id"], http.Request.Query["integration"], http.Request.Query["outcome"]));
    }

    public static async Task<IResult> WebhooksAsync(string env, HttpContext http, DashboardContexts contexts, WebhookDeliveryStore deliveries, CancellationToken cancellationToken)
    {
        if (await contexts.ForAsync(http, env, "webhooks", cancellationToken) is not { } ctx)
        {
            return DashboardAccess.NotFoundPage();
        }

        var list = await deliveries.ListAsync(ctx.Environment.Id, 100, cancellationToken);
        var rows = new List<WebhooksPage.Row>();
        foreach (var delivery in list)
        {
            var attempts = await deliveries.AttemptsAsync(ctx.Environment.Id, delivery.Id, cancellationToken);
            rows.Add(new WebhooksPage.Row(delivery.Id, delivery.EventId, delivery.Operation, delivery.Success, delivery.ConnectionId, delivery.IntegrationKey,
                delivery.Url, delivery.State.ToString().ToLowerInvariant(), delivery.CreatedAt,
                delivery.State == DeliveryState.Pending ? delivery.NextAttemptAt : null,
                attempts.Select(a => new WebhooksPage.Attempt(a.AttemptedAt, $"{(a.StatusCode?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "no answer")} in {a.DurationMs} ms{(a.Error is null ? "" : " (" + a.Error + ")")}")).ToArray()));
        }

        return DashboardAccess.Page<WebhooksPage>(ctx with { Notice = IntegrationPages.Notice(http) }, new WebhooksPage.View(rows));
    }

    public static async Task<IResult> RedeliverAsync(string env, long deliveryId, IFormCollection form, HttpContext http, DashboardContexts contexts,
        WebhookDeliveryStore deliveries, WebhookSignal signal, AuditTrail audit, CancellationToken cancellationToken)
    {
        _ = form;
        if (await contexts.ForAsync(http, env, "webhooks", cancellationToken) is not { } ctx ||
            !await deliveries.RedeliverAsync(ctx.Environment.Id, deliveryId, cancellationToken))
        {
            return DashboardAccess.NotFoundPage();
        }

        signal.Wake();
        await audit.RecordAsync(ctx.Actor, AuditActions.WebhookRedelivered, ctx.Environment.Id, deliveryId.ToString(System.Globalization.CultureInfo.InvariantCulture), cancellationToken);
        return Results.Redirect(ctx.Url("webhooks") + "?done=Queued+for+redelivery.");
    }
}
