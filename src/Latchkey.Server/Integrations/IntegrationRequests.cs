using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Latchkey.Server.Hosting;
using Latchkey.Server.Hosting.Validation;
using Latchkey.Server.Providers;

namespace Latchkey.Server.Integrations;

/// <summary>Validation of integration create/update bodies (spec §4.7), against the provider catalog.</summary>
public static partial class IntegrationRequests
{
    private static readonly string[] CreateKeys = ["provider", "unique_key", "display_name", "forward_webhooks", "credentials", "integration_config", "custom"];
    private static readonly string[] UpdateKeys = ["unique_key", "display_name", "forward_webhooks", "credentials", "integration_config", "custom"];
    private static readonly StringRule Scopes = new(0, InputLimits.Secret, ScopesPattern(), "must be a comma-separated list of scopes without spaces");
    private static readonly StringRule PrivateKey = new(1, 16384, PemPattern(), "must be a PEM private key (-----BEGIN RSA PRIVATE KEY-----)");

    public static Outcome<IntegrationInput> ReadCreate(JsonElement body, ProviderCatalog catalog)
    {
        var validator = new Validator();
        if (JsonObjectReader.Root(body, validator, CreateKeys) is not { } root)
        {
            return validator.ToError(ErrorCodes.InvalidBody);
        }

        var providerName = root.Text("provider", Identifiers.ProviderName, required: true);
        var uniqueKey = root.Text("unique_key", Identifiers.IntegrationKey, required: true);
        var provider = providerName is null ? null : catalog.Find(providerName);
        if (providerName is not null && provider is null)
        {
            root.Fail("provider", IssueCodes.Custom, $"Provider '{providerName}' is not in the catalog.");
        }

        var input = ReadCommon(root, provider, uniqueKey, providerName, isCreate: true);
        return validator.HasErrors ? validator.ToError(ErrorCodes.InvalidBody) : input;
    }

    public static Outcome<IntegrationInput> ReadUpdate(JsonElement body, Provider? provider)
    {
        var validator = new Validator();
        if (JsonObjectReader.Root(body, validator, UpdateKeys) is not { } root)
        {
            return validator.ToError(ErrorCodes.InvalidBody);
        }

        var uniqueKey = root.Text("unique_key", Identifiers.IntegrationKey);
        var input = ReadCommon(root, provider, uniqueKey, providerName: null, isCreate: false);
        return validator.HasErrors ? validator.ToError(ErrorCodes.InvalidBody) : input;
    }

    private static IntegrationInput ReadCommon(JsonObjectReader root, Provider? provider, string? uniqueKey, string? providerName, bool isCreate)
    {
        var displayName = root.Text("display_name", StringRule.Name255);
        var forwardWebhooks = root.Boolean("forward_webhooks");
        var credentials = ReadCredentials(root, provider);
        if (isCreate && credentials is null && provider is not null && AuthModes.RequiresIntegrationCredentials(provider.AuthMode) && !root.Has("credentials"))
        {
            root.Fail("credentials", IssueCodes.InvalidType, $"Integrations of {provider.AuthMode} providers need credentials (client id and secret).");
        }

        var integrationConfig = ReadIntegrationConfig(root, provider);
        var custom = root.StringRecord("custom", StringRule.Bounded(0, 8192));
        if (custom is not null && provider?.Definition["integration_config"] is JsonObject)
        {
            root.Fail("custom", IssueCodes.Custom, "Use integration_config for this provider, not custom.");
        }

        return new IntegrationInput(uniqueKey, providerName, displayName, forwardWebhooks, credentials, integrationConfig,
            custom is null ? null : ToObject(custom));
    }

    private static IntegrationCredentialsInput? ReadCredentials(JsonObjectReader root, Provider? provider)
    {
        if (root.Nested("credentials", allowedKeys: null) is not { } credentials)
        {
            return null;
        }

        var type = credentials.Text("type", StringRule.NonEmpty, required: true);
        if (type is null)
        {
            return null;
        }

        if (provider is not null && type != provider.AuthMode)
        {
            credentials.Fail("type", IssueCodes.Custom, $"credentials.type must be {provider.AuthMode} for provider '{provider.Name}'.");
            return null;
        }

        switch (type)
        {
            case AuthModes.OAuth1 or AuthModes.OAuth2 or AuthModes.Tba:
                {
                    var strict = root.Nested("credentials", ["type", "client_id", "client_secret", "scopes", "webhook_secret"])!.Value;
                    return new IntegrationCredentialsInput(type,
                        ClientId: strict.Text("client_id", StringRule.Name255, required: true),
                        ClientSecret: strict.Text("client_secret", StringRule.Bounded(1, InputLimits.Secret), required: true),
                        Scopes: strict.Text("scopes", Scopes),
                        WebhookSecret: strict.Text("webhook_secret", StringRule.Bounded(0, InputLimits.Name)),
                        AppId: null,
                        AppLink: null,
                        PrivateKey: null);
                }

            case AuthModes.McpOAuth2 or AuthModes.McpOAuth2Generic:
                {
                    // All optional: without a client id Latchkey registers itself at the MCP server (RFC 7591); a
                    // public client has an id and no secret.
                    var strict = root.Nested("credentials", ["type", "client_id", "client_secret", "scopes"])!.Value;
                    return new IntegrationCredentialsInput(type,
                        ClientId: strict.Text("client_id", StringRule.Name255),
                        ClientSecret: strict.Text("client_secret", StringRule.Bounded(0, InputLimits.Secret)),
                        Scopes: strict.Text("scopes", Scopes),
                        WebhookSecret: null,
                        AppId: null,
                        AppLink: null,
                        PrivateKey: null);
                }

            case AuthModes.App:
                {
                    var strict = root.Nested("credentials", ["type", "app_id", "app_link", "private_key"])!.Value;
                    return new IntegrationCredentialsInput(type, null, null, null, null,
                        strict.Text("app_id", StringRule.Name255, required: true),
                        strict.Text("app_link", StringRule.Bounded(1, InputLimits.Url), required: true),
                        strict.Text("private_key", PrivateKey, required: true));
                }

            case AuthModes.Custom:
                {
                    var strict = root.Nested("credentials", ["type", "client_id", "client_secret", "app_id", "app_link", "private_key"])!.Value;
                    return new IntegrationCredentialsInput(type,
                        strict.Text("client_id", StringRule.Name255, required: true),
                        strict.Text("client_secret", StringRule.Bounded(1, InputLimits.Secret), required: true),
                        null,
                        null,
                        strict.Text("app_id", StringRule.Name255, required: true),
                        strict.Text("app_link", StringRule.Bounded(1, InputLimits.Url), required: true),
                        strict.Text("private_key", PrivateKey, required: true));
                }

            default:
                credentials.Fail("type", IssueCodes.InvalidValue, "credentials.type must be one of OAUTH1, OAUTH2, TBA, APP, CUSTOM, MCP_OAUTH2, MCP_OAUTH2_GENERIC.");
                return null;
        }
    }

    private static JsonObject? ReadIntegrationConfig(JsonObjectReader root, Provider? provider)
    {
        var values = root.StringRecord("integration_config", StringRule.Bounded(0, 8192));
        if (values is null)
        {
            return null;
        }

        var declared = provider?.Definition["integration_config"] as JsonObject;
        foreach (var key in values.Keys.Where(key => declared?.ContainsKey(key) != true))
        {
            root.Fail("integration_config", IssueCodes.UnrecognizedKeys, $"Provider does not declare integration_config field '{key}'.");
        }

        return ToObject(values);
    }

    private static JsonObject ToObject(IReadOnlyDictionary<string, string> values) =>
        new(values.Select(pair => KeyValuePair.Create(pair.Key, (JsonNode?)pair.Value)));

    [GeneratedRegex(@"^$|^[0-9a-zA-Z:/_.*\-]+(,[0-9a-zA-Z:/_.*\-]+)*$")]
    private static partial Regex ScopesPattern();

    [GeneratedRegex(@"-----BEGIN (RSA )?PRIVATE KEY-----")]
    private static partial Regex PemPattern();
}
