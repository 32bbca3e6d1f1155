using System.Globalization;
using System.Text.Json.Nodes;
using Latchkey.Server.Callers;
using Latchkey.Server.Hosting;
using Latchkey.Server.Hosting.Validation;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Latchkey.Server.Logs;

/// <summary>
/// <c>GET /logs</c>: the environment's auth attempts, newest first, filtered by <c>connection_id</c>,
/// <c>integration</c> and <c>outcome</c> (<c>success</c>|<c>failure</c>), paged with <c>limit</c> and <c>cursor</c>.
/// <c>GET /logs/:id</c>: one attempt (the <c>log_id</c> of a connection's <c>errors</c>).
/// </summary>
public static class LogsEndpoints
{
    public static async Task<Results<Ok<JsonObject>, ApiError>> ListLogsAsync(
        Caller caller, HttpRequest request, AuthLogStore store, CancellationToken cancellationToken)
    {
        if (QueryRules.RejectUnknown(request.Query, "connection_id", "integration", "outcome", "limit", "cursor") is { } error)
        {
            return error;
        }

        var filter = ReadFilter(request.Query);
        if (filter.Failed)
        {
            return filter.Error;
        }

        var logs = await store.ListAsync(caller.EnvironmentId, filter.Value!, cancellationToken);
        var data = new JsonObject
        {
            ["data"] = new JsonArray(logs.Select(l => (JsonNode)Build(l)).ToArray()),
            ["next_cursor"] = logs.Count == filter.Value!.Limit ? logs[^1].Id.ToString(CultureInfo.InvariantCulture) : null,
        };
        return TypedResults.Ok(data);
    }

    public static async Task<Results<Ok<JsonObject>, ApiError>> GetLogAsync(string logId, Caller caller, AuthLogStore store, CancellationToken cancellationToken)
    {
        var log = await store.FindAsync(caller.EnvironmentId, logId, cancellationToken);
        return log is null ? ApiError.NotFound($"Log '{logId}' does not exist.") : TypedResults.Ok(new JsonObject { ["data"] = Build(log) });
    }

    /// <summary>Reads the list filters (shared with the dashboard's Logs page).</summary>
    public static Outcome<AuthLogFilter> ReadFilter(IQueryCollection query)
    {
        var issues = new List<ValidationIssue>();
        var outcome = QueryRules.Last(query, "outcome") switch
        {
            null or "" or "all" => (bool?)null,
            "success" => true,
            "failure" => false,
            _ => Fail(issues, "outcome", "must be success or failure"),
        };
        var limit = 50;
        if (QueryRules.Last(query, "limit") is { Length: > 0 } limitText && (!int.TryParse(limitText, NumberStyles.None, CultureInfo.InvariantCulture, out limit) || limit is < 1 or > 100))
        {
            Fail(issues, "limit", "must be a whole number from 1 to 100");
        }

        long? before = null;
        if (QueryRules.Last(query, "cursor") is { Length: > 0 } cursorText)
        {
            if (long.TryParse(cursorText, NumberStyles.None, CultureInfo.InvariantCulture, out var cursor))
            {
                before = cursor;
            }
            else
            {
                Fail(issues, "cursor", "must be the next_cursor of a previous page");
            }
        }

        if (issues.Count > 0)
        {
            return ApiError.Invalid(ErrorCodes.InvalidQueryParams, issues);
        }

        return new AuthLogFilter(Blank(QueryRules.Last(query, "connection_id")), Blank(QueryRules.Last(query, "integration")), outcome, before, limit);
    }

    public static JsonObject Build(StoredAuthLog log) => new()
    {
        ["id"] = log.Uid,
        ["kind"] = log.Kind,
        ["integration"] = log.IntegrationKey,
        ["connection_id"] = log.ConnectionId,
        ["outcome"] = log.Success ? "success" : "failure",
        ["error_type"] = log.ErrorType,
        ["message"] = log.Message,
        ["steps"] = new JsonArray(log.StepList.Select(s => (JsonNode)new JsonObject
        {
            ["name"] = s.Name,
            ["at"] = Timestamps.Format(s.At),
            ["detail"] = s.Detail,
        }).ToArray()),
        ["started_at"] = Timestamps.Format(log.StartedAt),
        ["duration_ms"] = log.DurationMs,
    };

    private static string? Blank(string? value) => string.IsNullOrWhiteSpace(value) ? null : value;

    private static bool? Fail(List<ValidationIssue> issues, string key, string message)
    {
        issues.Add(new ValidationIssue(IssueCodes.InvalidValue, message, [key]));
        return null;
    }
}
