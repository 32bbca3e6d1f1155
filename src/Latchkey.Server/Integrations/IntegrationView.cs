using System.Text.Json.Nodes;
using Latchkey.Server.Hosting;
using Latchkey.Server.Providers;

namespace Latchkey.Server.Integrations;

/// <summary>The public integration object of spec §4.7 (<c>ApiPublicIntegration</c>).</summary>
public sealed class IntegrationView(ProviderCatalog catalog, ProviderResponses providers, PublicUrls urls, IntegrationStore store)
{
    public JsonObject Build(Integration integration, bool includeWebhook = false, bool includeCredentials = false, string? environmentUid = null)
    {
        var provider = catalog.Find(integration.Provider);
        var result = new JsonObject
        {
            ["unique_key"] = integration.UniqueKey,
            ["provider"] = integration.Provider,
            ["display_name"] = integration.DisplayName ?? provider?.DisplayName ?? integration.Provider,
            ["logo"] = providers.LogoUrl(integration.Provider),
            ["forward_webhooks"] = integration.ForwardWebhooks,
            ["created_at"] = Timestamps.Format(integration.CreatedAt),
            ["updated_at"] = Timestamps.Format(integration.UpdatedAt),
        };

        if (includeWebhook)
        {
            result["webhook_url"] = environmentUid is null ? null : $"{urls.Server}/webhook/{environmentUid}/{Uri.EscapeDataString(integration.UniqueKey)}";
        }

        if (includeCredentials)
        {
            result["credentials"] = Credentials(integration, provider?.AuthMode);
        }

        return result;
    }

    private JsonObject? Credentials(Integration integration, string? authMode)
    {
        var secrets = store.OpenSecrets(integration);
        return authMode switch
        {
            AuthModes.OAuth1 or AuthModes.OAuth2 or AuthModes.Tba => new JsonObject
            {
                ["type"] = authMode,
                ["client_id"] = integration.ClientId,
                ["client_secret"] = secrets.ClientSecret,
                ["scopes"] = integration.Scopes,
                ["webhook_secret"] = secrets.WebhookSecret,
            },
            // An MCP integration's own client is optional: without one, Latchkey registers itself at each server.
            AuthModes.McpOAuth2 or AuthModes.McpOAuth2Generic => new JsonObject
            {
                ["type"] = authMode,
                ["client_id"] = integration.ClientId,
                ["client_secret"] = secrets.ClientSecret,
                ["scopes"] = integration.Scopes,
            },
            AuthModes.App => new JsonObject
            {
                ["type"] = authMode,
                ["app_id"] = integration.AppId,
                ["private_key"] = secrets.PrivateKey,
                ["app_link"] = integration.AppLink,
            },
            AuthModes.Custom => new JsonObject
            {
                ["type"] = authMode,
                ["client_id"] = integration.ClientId,
                ["client_secret"] = secrets.ClientSecret,
                ["app_id"] = integration.AppId,
                ["app_link"] = integration.AppLink,
                ["private_key"] = secrets.PrivateKey,
            },
            _ => null,
        };
    }
}
