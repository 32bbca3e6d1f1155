using System.Text.Json;
using System.Text.Json.Nodes;
using Latchkey.Server.Hosting;
using Latchkey.Server.Outbound;
using Latchkey.Server.Providers;

namespace Latchkey.Server.Tokens;

/// <summary>
/// BILL (spec §8.4): the username, password, organization id and developer key sign in at the provider's login
/// endpoint (<c>token_url</c>, BILL's <c>POST /v3/login</c>), which opens an API session; its <c>sessionId</c> and the
/// developer key go on every later call. BILL ends a session after 35 minutes without use
/// (developer.bill.com/reference/login), so the session is treated as expiring then and a new one is opened when it
/// is read after that (<c>token_expires_in_ms</c> overrides the lifetime). A refused login is never retried blindly.
/// </summary>
public sealed class BillSessions(IHttpClientFactory httpClients, TimeProvider clock, ILogger<BillSessions> logger)
{
    private static readonly TimeSpan SessionLifetime = TimeSpan.FromMinutes(35);

    /// <summary>The fields the end user enters, in the order the SDK sends them (spec §4.4).</summary>
    public static readonly string[] Fields = ["username", "password", "organization_id", "dev_key"];

    public async Task<Outcome<(JsonObject Credentials, DateTimeOffset? ExpiresAt)>> SignInAsync(
        Provider provider, JsonObject fields, JsonObject connectionConfig, CancellationToken cancellationToken)
    {
        var url = ProviderUrls.Render(provider.TokenUrlFor(AuthModes.Bill) ?? "", ProviderApiRequest.ValuesFor(fields, connectionConfig));
        if (url is null)
        {
            return Refused(provider, "its login URL needs connection settings that were not given");
        }

        var login = new JsonObject
        {
            ["username"] = fields.GetString("username"),
            ["password"] = fields.GetString("password"),
            ["organizationId"] = fields.GetString("organization_id"),
            ["devKey"] = fields.GetString("dev_key"),
        };
        var now = clock.GetUtcNow();
        try
        {
            using var response = await httpClients.CreateClient(OutboundFeature.ClientName).PostAsJsonAsync(url, login, cancellationToken);
            var text = await response.Content.ReadAsStringAsync(cancellationToken);
            if (!response.IsSuccessStatusCode)
            {
                logger.LogInformation("BILL sign-in of {Provider} answered HTTP {Status}", provider.Name, (int)response.StatusCode);
                return ProviderFaults.IsProviderFailure((int)response.StatusCode)
                    ? ProviderFaults.Failed(provider.DisplayName, "open a session for these credentials", (int)response.StatusCode)
                    : Refused(provider, $"HTTP {(int)response.StatusCode}");
            }

            if (JsonNode.Parse(text) is not JsonObject body || body.GetString("sessionId") is not { Length: > 0 } sessionId)
            {
                return Refused(provider, "the answer has no sessionId");
            }

            var expiresAt = now + SessionLifetime;
            var credentials = new JsonObject { ["type"] = AuthModes.Bill };
            foreach (var name in Fields)
            {
                credentials[name] = fields.GetString(name);
            }

            credentials["session_id"] = sessionId;
            credentials["user_id"] = body.GetString("userId");
            credentials["expires_at"] = Timestamps.Format(expiresAt);
            credentials["raw"] = body.DeepClone();
            return (credentials, expiresAt);
        }
        catch (JsonException)
        {
            return Refused(provider, "the answer is not JSON");
        }
        catch (Exception exception) when (exception is HttpRequestException or TaskCanceledException && !cancellationToken.IsCancellationRequested)
        {
            logger.LogWarning("BILL sign-in of {Provider} could not be sent: {Reason}", provider.Name, OutboundFailure.Describe(exception));
            return ProviderFaults.Unreachable(provider.DisplayName, "open a session for these credentials", OutboundFailure.Describe(exception));
        }
    }

    private static ApiError Refused(Provider provider, string why) =>
        ApiError.BadRequest(ErrorCodes.ConnectionTestFailed, $"{provider.DisplayName} did not open a session for these credentials: {why}.");
}
