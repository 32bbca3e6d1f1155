using System.Text.Json.Nodes;
using Latchkey.Server.Hosting;
using Latchkey.Server.Integrations;
using Latchkey.Server.Providers;

namespace Latchkey.Server.CredentialEntry;

/// <summary>Signs requests for a TBA connection: its token with the integration's consumer key and secret, or the end user's own.</summary>
public static class TbaSigner
{
    public static Outcome<Action<HttpRequestMessage>> For(
        Integration integration, IntegrationStore integrations, JsonObject credentials, JsonObject connectionConfig, TimeProvider clock)
    {
        var overrides = credentials["config_override"] as JsonObject;
        var consumerKey = overrides?.GetString("client_id") ?? integration.ClientId;
        var consumerSecret = overrides?.GetString("client_secret") ?? integrations.OpenSecrets(integration).ClientSecret;
        if (string.IsNullOrEmpty(consumerKey) || string.IsNullOrEmpty(consumerSecret))
        {
            return ApiError.BadRequest(ErrorCodes.InvalidCredentials,
                $"Integration '{integration.UniqueKey}' has no consumer key and secret (its client id and secret), and none were given as oauth_client_id_override and oauth_client_secret_override.");
        }

        if (connectionConfig.GetString("accountId") is not { Length: > 0 } accountId)
        {
            return ApiError.BadRequest(ErrorCodes.InvalidCredentials, "Token-based authentication needs the NetSuite account id: pass it as params.accountId (connection_config.accountId).");
        }

        var keys = new TbaKeys(consumerKey, consumerSecret, credentials.GetString("token_id") ?? "", credentials.GetString("token_secret") ?? "");
        return new Action<HttpRequestMessage>(request => TbaSigning.Sign(request, keys, accountId, clock.GetUtcNow()));
    }
}
