using System.Net;
using System.Text.Json.Nodes;

namespace Latchkey.Client;

/// <summary>
/// The server answered with an error: the <c>{"error":{code, message, errors, payload}}</c> envelope of the API,
/// surfaced with the HTTP status. <see cref="Code"/> is the machine-readable code to branch on
/// (<c>unknown_account</c>, <c>invalid_body</c>, <c>not_found</c>, <c>invalid_credentials</c>…).
/// </summary>
public sealed class LatchkeyApiException : Exception
{
    /// <summary>Creates the exception for one error response.</summary>
    /// <param name="statusCode">The HTTP status of the response.</param>
    /// <param name="code">The envelope's <c>error.code</c>, or <c>unexpected_response</c> when the body was not an envelope.</param>
    /// <param name="message">The envelope's <c>error.message</c>, or a sentence describing the response.</param>
    /// <param name="errors">The validation issues of the envelope (empty when none).</param>
    /// <param name="payload">The envelope's <c>error.payload</c>, when present.</param>
    public LatchkeyApiException(HttpStatusCode statusCode, string code, string message, IReadOnlyList<LatchkeyValidationError>? errors = null, JsonNode? payload = null)
        : base(message)
    {
        StatusCode = statusCode;
        Code = code;
        Errors = errors ?? [];
        Payload = payload;
    }

    /// <summary>The HTTP status of the response.</summary>
    public HttpStatusCode StatusCode { get; }

    /// <summary>The error code of the envelope (<c>error.code</c>).</summary>
    public string Code { get; }

    /// <summary>Validation issues (<c>error.errors</c>): each names the offending field by its path.</summary>
    public IReadOnlyList<LatchkeyValidationError> Errors { get; }

    /// <summary>Extra data of the error (<c>error.payload</c>), e.g. the connection of an <c>invalid_credentials</c> error.</summary>
    public JsonNode? Payload { get; }
}

/// <summary>One validation issue of an error envelope.</summary>
/// <param name="Code">The issue code (<c>invalid_type</c>, <c>too_small</c>, <c>custom</c>, <c>unrecognized_keys</c>…).</param>
/// <param name="Message">A human sentence.</param>
/// <param name="Path">Where in the request the issue is, e.g. <c>["end_user", "id"]</c>.</param>
public sealed record LatchkeyValidationError(string Code, string Message, IReadOnlyList<string> Path);
