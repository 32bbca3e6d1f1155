using System.Diagnostics;
using System.Text.Json.Nodes;
using Latchkey.Server.Connections;
using Latchkey.Server.Hosting;
using Latchkey.Server.Logs;
using Latchkey.Server.Providers;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Latchkey.Server.CredentialEntry;

/// <summary>
/// The last two steps of every credential entry: verify with the provider, then save. Each attempt is written to
/// the auth log (steps, outcome, timing — never the credentials).
/// </summary>
public sealed class CredentialSaver(CredentialVerifier verifier, ConnectionWriter writer, AuthLogWriter authLog, TimeProvider clock)
{
    public async Task<Results<Ok<JsonObject>, ApiError>> VerifyAndSaveAsync(EntryContext context, JsonObject credentials, CancellationToken cancellationToken)
    {
        var startedAt = clock.GetUtcNow();
        var stopwatch = Stopwatch.StartNew();
        var steps = new List<AuthLogStep>
        {
            new("request accepted", startedAt, $"provider {context.Provider.Name}, connection {(context.IsNewConnection ? "new" : "existing")}"),
        };
        var kind = LogKind(context.Provider.AuthMode);
        void Record(bool success, string? errorType, string? message) => authLog.Record(new AuthLogEntry(
            context.Caller.EnvironmentId, kind, context.Integration.UniqueKey, context.ConnectionId, success, errorType, message,
            steps, startedAt, stopwatch.Elapsed));

        VerificationOutcome outcome;
        try
        {
            outcome = await verifier.VerifyAsync(context.Provider, credentials, context.ConnectionConfig, cancellationToken);
        }
        catch (Exception)
        {
            steps.Add(new("verify credentials", clock.GetUtcNow(), "failed unexpectedly"));
            Record(false, ErrorCodes.ServerError, "The verification failed unexpectedly.");
            throw;
        }

        steps.Add(new("verify credentials", clock.GetUtcNow(), outcome switch
        {
            VerificationOutcome.Verified => "accepted by the provider",
            VerificationOutcome.Rejected => "refused by the provider",
            _ => "the provider declares no verification",
        }));
        if (outcome == VerificationOutcome.Rejected)
        {
            var message = $"{context.Provider.DisplayName} did not accept these credentials. Check them and try again.";
            Record(false, ErrorCodes.ConnectionTestFailed, message);
            return ApiError.BadRequest(ErrorCodes.ConnectionTestFailed, message);
        }

        var session = context.Caller.Session;
        var (tags, endUser, organization) = EntryRequest.Ownership(session);
        SavedConnection saved;
        try
        {
            saved = await writer.SaveAsync(
                new NewConnection(
                    context.Caller.EnvironmentId,
                    context.Integration.Id,
                    context.Integration.UniqueKey,
                    context.Integration.Provider,
                    context.ConnectionId,
                    credentials,
                    ExpiresAt: null,
                    context.ConnectionConfig,
                    tags,
                    endUser,
                    organization,
                    session?.Terms.WebhookUrlOverride),
                cancellationToken);
        }
        catch (Exception)
        {
            steps.Add(new("save connection", clock.GetUtcNow(), "failed unexpectedly"));
            Record(false, ErrorCodes.ServerError, "Saving the connection failed unexpectedly.");
            throw;
        }

        steps.Add(new("save connection", clock.GetUtcNow(), saved.Created ? "created" : "re-authorised (override)"));
        Record(true, null, null);
        return TypedResults.Ok(new JsonObject
        {
            ["connectionId"] = context.ConnectionId,
            ["providerConfigKey"] = context.Integration.UniqueKey,
        });
    }

    private static string LogKind(string authMode) => authMode switch
    {
        AuthModes.ApiKey => "api_key",
        AuthModes.Basic => "basic",
        AuthModes.None => "unauthenticated",
        _ => authMode.ToLowerInvariant(),
    };
}
