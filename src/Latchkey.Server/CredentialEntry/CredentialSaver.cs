using System.Text.Json.Nodes;
using Latchkey.Server.Connections;
using Latchkey.Server.Hosting;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Latchkey.Server.CredentialEntry;

/// <summary>The last two steps of every credential entry: verify with the provider, then save.</summary>
public sealed class CredentialSaver(CredentialVerifier verifier, ConnectionWriter writer)
{
    public async Task<Results<Ok<JsonObject>, ApiError>> VerifyAndSaveAsync(EntryContext context, JsonObject credentials, CancellationToken cancellationToken)
    {
        var outcome = await verifier.VerifyAsync(context.Provider, credentials, context.ConnectionConfig, cancellationToken);
        if (outcome == VerificationOutcome.Rejected)
        {
            return ApiError.BadRequest(ErrorCodes.ConnectionTestFailed,
                $"{context.Provider.DisplayName} did not accept these credentials. Check them and try again.");
        }

        var session = context.Caller.Session;
        var (tags, endUser, organization) = EntryRequest.Ownership(session);
        await writer.SaveAsync(
            new NewConnection(
                context.Caller.EnvironmentId,
                context.Integration.Id,
                context.ConnectionId,
                credentials,
                ExpiresAt: null,
                context.ConnectionConfig,
                tags,
                endUser,
                organization,
                session?.WebhookUrlOverride),
            cancellationToken);

        return TypedResults.Ok(new JsonObject
        {
            ["connectionId"] = context.ConnectionId,
            ["providerConfigKey"] = context.Integration.UniqueKey,
        });
    }
}
