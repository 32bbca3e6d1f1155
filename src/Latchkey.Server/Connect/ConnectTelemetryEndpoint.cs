using System.Globalization;
using Latchkey.Server.ConnectSessions;
using Latchkey.Server.Hosting;
using Latchkey.Server.Hosting.Validation;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Latchkey.Server.Connect;

/// <summary><c>POST /connect/telemetry</c>: the Connect UI's beacon (spec §3.12). Validated, then dropped: nothing leaves the server.</summary>
public static class ConnectTelemetryEndpoint
{
    private static readonly HashSet<string> Events = new(StringComparer.Ordinal)
    {
        "open", "view:list", "view:integration", "view:unknown_error", "view:credentials_error", "view:success", "click:integration",
        "click:doc", "click:doc_section", "click:connect", "click:close", "click:finish", "click:outside", "popup:blocked_by_browser",
        "popup:closed_early",
    };

    public static async Task<Results<NoContent, ApiError>> RecordTelemetryAsync(
        HttpRequest request, ConnectSessionStore sessions, TimeProvider clock, CancellationToken cancellationToken)
    {
        var body = await JsonBody.ReadAsync(request, cancellationToken);
        if (body.Failed)
        {
            return body.Error;
        }

        var validator = new Validator();
        var root = JsonObjectReader.Root(body.Value, validator, ["token", "event", "timestamp", "dimensions"]);
        if (root is not { } reader)
        {
            return validator.ToError(ErrorCodes.InvalidBody);
        }

        var token = reader.Text("token", StringRule.Any);
        if (token is null)
        {
            return ApiError.Unauthorized(ErrorCodes.MissingAuthHeader, "The telemetry body carries no token.");
        }

        var name = reader.Text("event", StringRule.NonEmpty, required: true);
        if (name is not null && !Events.Contains(name))
        {
            reader.Fail("event", IssueCodes.InvalidValue, "is not a known telemetry event");
        }

        var timestamp = reader.Text("timestamp", StringRule.NonEmpty, required: true);
        if (timestamp is not null && (!DateTimeOffset.TryParse(timestamp, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var at) ||
            (at - clock.GetUtcNow()).Duration() > TimeSpan.FromHours(2)))
        {
            reader.Fail("timestamp", IssueCodes.InvalidValue, "must be an ISO date within two hours of the server's clock");
        }

        reader.Nested("dimensions", ["integration"])?.Text("integration", Identifiers.IntegrationKey);
        if (validator.HasErrors)
        {
            return validator.ToError(ErrorCodes.InvalidBody);
        }

        if (!SessionTokens.HasValidFormat(token))
        {
            return ApiError.Unauthorized(ErrorCodes.InvalidConnectSessionTokenFormat, "The connect session token has the wrong format.");
        }

        return await sessions.FindByTokenAsync(token, cancellationToken) is null
            ? ApiError.Unauthorized(ErrorCodes.UnknownConnectSessionToken, "The connect session token is unknown or has expired.")
            : TypedResults.NoContent();
    }
}
