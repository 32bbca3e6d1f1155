using Latchkey.Server.Hosting;
using Latchkey.Server.Realtime;

namespace Latchkey.Server.OAuth;

/// <summary>
/// Ends a flow on both channels (spec §5.6): the SDK's WebSocket, when known, and the result page — or, in redirect
/// mode, a redirect back to the flow's return address (<see cref="ReturnAddress"/>).
/// </summary>
public sealed class FlowReporter(IAuthResultBus bus, ILogger<FlowReporter> logger)
{
    public async Task<IResult> FailAsync(
        ApiError error, string? webSocketClientId, string integrationKey, string connectionId, CancellationToken cancellationToken, string? returnTo = null)
    {
        logger.LogInformation("OAuth flow for {Integration} failed: {ErrorType}", integrationKey, error.Code);
        if (webSocketClientId is not null)
        {
            await bus.PublishAsync(new AuthOutcome(webSocketClientId, integrationKey, connectionId, Success: false,
                ErrorType: error.Code, ErrorDescription: error.Message), cancellationToken);
        }

        return returnTo is null
            ? ResultPage.Failure(error.Code, error.Message ?? "The connection could not be made.")
            : ReturnAddress.Failure(returnTo, integrationKey, error);
    }

    public async Task<IResult> SucceedAsync(
        string? webSocketClientId, string integrationKey, CallbackSuccess success, CancellationToken cancellationToken, string? returnTo = null)
    {
        if (webSocketClientId is not null)
        {
            await bus.PublishAsync(new AuthOutcome(webSocketClientId, integrationKey, success.ConnectionId, Success: true, IsPending: success.IsPending), cancellationToken);
        }

        return returnTo is null
            ? ResultPage.Success(success.ProviderName)
            : ReturnAddress.Success(returnTo, integrationKey, success.ConnectionId, success.IsPending);
    }
}
