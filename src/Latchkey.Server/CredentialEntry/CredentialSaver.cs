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
    /// <param name="context">What the entry point established.</param>
    /// <param name="credentials">What the end user entered.</param>
    /// <param name="cancellationToken">The request's.</param>
    /// <param name="exchange">For modes that turn the entered fields into a token first (TWO_STEP, JWT, BILL…): run before verifying.</param>
    /// <param name="sign">For modes whose credential is a per-request signature (TBA): signs each verification request.</param>
    public async Task<Results<Ok<JsonObject>, ApiError>> VerifyAndSaveAsync(
        EntryContext context, JsonObject credentials, CancellationToken cancellationToken,
        Func<JsonObject, CancellationToken, Task<Outcome<(JsonObject Credentials, DateTimeOffset? ExpiresAt)>>>? exchange = null,
        Action<HttpRequestMessage>? sign = null)
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

        DateTimeOffset? expiresAt = null;
        if (exchange is not null)
        {
            var exchanged = await exchange(credentials, cancellationToken);
            steps.Add(new("obtain a token", clock.GetUtcNow(), exchanged.Failed ? ProviderFaults.StepText(exchanged.Error.Code) : "token issued"));
            if (exchanged.Failed)
            {
                Record(false, exchanged.Error.Code, exchanged.Error.Message);
                return exchanged.Error;
            }

            (credentials, expiresAt) = exchanged.Value;
        }

        Verification verification;
        try
        {
            verification = await verifier.VerifyAsync(context.Provider, credentials, context.ConnectionConfig, cancellationToken, sign);
        }
        catch (Exception)
        {
            steps.Add(new("verify credentials", clock.GetUtcNow(), "failed unexpectedly"));
            Record(false, ErrorCodes.ServerError, "The verification failed unexpectedly.");
            throw;
        }

        steps.Add(new("verify credentials", clock.GetUtcNow(), verification.StepText));
        if (verification.ErrorFor(context.Provider, $"{context.Provider.DisplayName} did not accept these credentials. Check them and try again.") is { } refused)
        {
            Record(false, refused.Code, refused.Message);
            return refused;
        }

        var session = context.Caller.Session;
        var (tags, endUser, organization) = EntryRequest.Ownership(session);
        Outcome<SavedConnection> saved;
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
                    expiresAt,
                    context.ConnectionConfig,
                    tags,
                    endUser,
                    organization,
                    session?.Terms.WebhookUrlOverride,
                    Limits: context.Limits),
                cancellationToken);
        }
        catch (Exception)
        {
            steps.Add(new("save connection", clock.GetUtcNow(), "failed unexpectedly"));
            Record(false, ErrorCodes.ServerError, "Saving the connection failed unexpectedly.");
            throw;
        }

        if (saved.Failed)
        {
            steps.Add(new("save connection", clock.GetUtcNow(), "refused: a connection limit is reached"));
            Record(false, saved.Error.Code, saved.Error.Message);
            return saved.Error;
        }

        steps.Add(new("save connection", clock.GetUtcNow(), saved.Value.Created ? "created" : "re-authorised (override)"));
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
