using System.Text.Json;
using System.Text.Json.Serialization;

namespace Latchkey.Server.Hosting;

/// <summary>One problem found while validating input; <c>path</c> points at the offending field.</summary>
public sealed record ValidationIssue(string Code, string Message, IReadOnlyList<string> Path);

/// <summary>
/// An expected failure, returned as a value and written as the spec §1.2 envelope
/// <c>{"error":{"code","message","errors","payload"}}</c>. Handlers return it; nobody throws it.
/// </summary>
public sealed class ApiError(int status, string code, string? message = null) : IResult
{
    public int Status { get; } = status;
    public string Code { get; } = code;
    public string? Message { get; } = message;
    public IReadOnlyList<ValidationIssue>? Errors { get; init; }
    public object? Payload { get; init; }

    /// <summary>Answered as the JSON envelope even on an endpoint with a <see cref="FailurePage"/>: a request refused before its flow began.</summary>
    public bool AlwaysJson { get; init; }

    public static ApiError BadRequest(string code, string? message = null) => new(StatusCodes.Status400BadRequest, code, message);
    public static ApiError Unauthorized(string code, string? message = null) => new(StatusCodes.Status401Unauthorized, code, message);
    public static ApiError Forbidden(string message) => new(StatusCodes.Status403Forbidden, ErrorCodes.Forbidden, message);
    public static ApiError NotFound(string message) => new(StatusCodes.Status404NotFound, ErrorCodes.NotFound, message);

    /// <summary>
    /// A validation error: every issue in <c>errors[]</c> (spec §1.2), and their words in <c>message</c> too, which is
    /// what the browser SDKs show (<c>AuthError.message</c>).
    /// </summary>
    public static ApiError Invalid(string code, IReadOnlyList<ValidationIssue> issues) =>
        new(StatusCodes.Status400BadRequest, code, Summary(issues)) { Errors = issues };

    /// <summary>A single-issue body validation error, e.g. an integration key that does not exist.</summary>
    public static ApiError InvalidBody(string message, params string[] path) =>
        new(StatusCodes.Status400BadRequest, ErrorCodes.InvalidBody, message)
        {
            Errors = [new ValidationIssue(IssueCodes.Custom, message, path)],
        };

    public Task ExecuteAsync(HttpContext httpContext)
    {
        if (!AlwaysJson && FailurePage.For(httpContext) is { } page)
        {
            return page.WriteAsync(httpContext, this);
        }

        httpContext.Response.StatusCode = Status;
        var body = new Envelope(new Body(Code, Message, Errors, Payload));
        return httpContext.Response.WriteAsJsonAsync(body, LatchkeyJson.Options, httpContext.RequestAborted);
    }

    public override string ToString() => $"{Status} {Code}";

    // "connection_id cannot be chosen with a connect session token." stays as it is; "Required" at apiKey becomes
    // "apiKey: Required." The first few issues are enough for a person; errors[] has them all.
    private static string? Summary(IReadOnlyList<ValidationIssue> issues)
    {
        const int shown = 3;
        var sentences = issues.Take(shown).Select(issue =>
        {
            var text = issue.Path.Count > 0 && !issue.Message.Contains(issue.Path[^1], StringComparison.Ordinal)
                ? $"{string.Join('.', issue.Path)}: {issue.Message}"
                : issue.Message;
            return text.EndsWith('.') ? text : text + ".";
        }).ToList();
        if (issues.Count > shown)
        {
            sentences.Add($"({issues.Count - shown} more in errors.)");
        }

        return sentences.Count == 0 ? null : string.Join(' ', sentences);
    }

    private sealed record Envelope(Body Error);

    private sealed record Body(
        string Code,
        [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? Message,
        [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] IReadOnlyList<ValidationIssue>? Errors,
        [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] object? Payload);
}

/// <summary>The serializer settings of every JSON response: snake_case names (camelCase exceptions are attributed).</summary>
public static class LatchkeyJson
{
    public static readonly JsonSerializerOptions Options = Create();

    public static JsonSerializerOptions Create()
    {
        var options = new JsonSerializerOptions(JsonSerializerDefaults.Web)
        {
            PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
            DictionaryKeyPolicy = null,
        };
        options.MakeReadOnly(populateMissingResolver: true);
        return options;
    }
}
