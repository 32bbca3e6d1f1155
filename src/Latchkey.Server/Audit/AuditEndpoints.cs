using System.Globalization;
using System.Text.Json.Nodes;
using Latchkey.Server.Callers;
using Latchkey.Server.Environments;
using Latchkey.Server.Hosting;
using Latchkey.Server.Hosting.Validation;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Latchkey.Server.Audit;

/// <summary>
/// <c>GET /audit</c>: the audit entries of the key's environment and those of no environment (users, logins), newest
/// first, filtered by <c>actor</c> (part of it), <c>action</c>, <c>from</c> and <c>to</c> (a date or an ISO 8601
/// instant; a date as <c>to</c> includes that day), paged with <c>limit</c> and <c>cursor</c>.
/// </summary>
public static class AuditEndpoints
{
    public static async Task<Results<Ok<JsonObject>, ApiError>> ListAsync(
        Caller caller, HttpRequest request, AuditStore store, EnvironmentStore environments, CancellationToken cancellationToken)
    {
        if (QueryRules.RejectUnknown(request.Query, "actor", "action", "from", "to", "limit", "cursor") is { } error)
        {
            return error;
        }

        var filter = ReadFilter(request.Query, caller.EnvironmentId);
        if (filter.Failed)
        {
            return filter.Error;
        }

        var entries = await store.ListAsync(filter.Value, cancellationToken);
        var names = (await environments.ListAsync(cancellationToken)).ToDictionary(e => e.Id, e => e.Name);
        return TypedResults.Ok(new JsonObject
        {
            ["data"] = new JsonArray(entries.Select(e => (JsonNode)Build(e, names)).ToArray()),
            ["next_cursor"] = entries.Count == filter.Value.Limit ? entries[^1].Id.ToString(CultureInfo.InvariantCulture) : null,
        });
    }

    /// <summary>Reads the list filters (shared with the dashboard's Audit page).</summary>
    public static Outcome<AuditFilter> ReadFilter(IQueryCollection query, long environmentId)
    {
        var issues = new List<ValidationIssue>();
        var action = Blank(QueryRules.Last(query, "action"));
        if (action is not null && !AuditActions.All.Contains(action, StringComparer.Ordinal))
        {
            Fail(issues, "action", "must be one of " + string.Join(", ", AuditActions.All));
        }

        var actor = Blank(QueryRules.Last(query, "actor"));
        if (actor is { Length: > InputLimits.Name })
        {
            Fail(issues, "actor", $"must have at most {InputLimits.Name} characters");
        }

        var from = Instant(query, "from", endOfDay: false, issues);
        var to = Instant(query, "to", endOfDay: true, issues);
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

        return issues.Count > 0
            ? ApiError.Invalid(ErrorCodes.InvalidQueryParams, issues)
            : new AuditFilter(environmentId, actor?.Trim(), action, from, to, before, limit);
    }

    public static JsonObject Build(AuditEntry entry, IReadOnlyDictionary<long, string> environmentNames) => new()
    {
        ["id"] = entry.Id.ToString(CultureInfo.InvariantCulture),
        ["at"] = Timestamps.Format(entry.At),
        ["actor"] = entry.Actor,
        ["actor_type"] = entry.ActorType,
        ["ip"] = entry.Ip,
        ["action"] = entry.Action,
        ["environment"] = entry.EnvironmentId is { } id ? environmentNames.GetValueOrDefault(id) : null,
        ["target"] = entry.Target,
        ["changes"] = entry.Changes is null ? null : JsonNode.Parse(entry.Changes),
    };

    /// <summary>A date (<c>2025-05-01</c>, UTC; as an upper bound the whole day counts) or an ISO 8601 instant, in epoch milliseconds.</summary>
    private static long? Instant(IQueryCollection query, string name, bool endOfDay, List<ValidationIssue> issues)
    {
        if (Blank(QueryRules.Last(query, name)) is not { } text)
        {
            return null;
        }

        if (DateOnly.TryParseExact(text, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var date))
        {
            var start = new DateTimeOffset(date.ToDateTime(TimeOnly.MinValue), TimeSpan.Zero);
            return (endOfDay ? start.AddDays(1) : start).ToUnixTimeMilliseconds();
        }

        if (DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var instant))
        {
            return instant.ToUnixTimeMilliseconds();
        }

        Fail(issues, name, "must be a date (YYYY-MM-DD) or an ISO 8601 instant");
        return null;
    }

    private static string? Blank(string? value) => string.IsNullOrWhiteSpace(value) ? null : value;

    private static void Fail(List<ValidationIssue> issues, string key, string message) =>
        issues.Add(new ValidationIssue(IssueCodes.InvalidValue, message, [key]));
}
