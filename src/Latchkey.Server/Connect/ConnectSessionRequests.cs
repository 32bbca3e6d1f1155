using System.Text.Json;
using System.Text.Json.Nodes;
using Latchkey.Server.Hosting;
using Latchkey.Server.Hosting.Validation;

using Latchkey.Server.ConnectSessions;

namespace Latchkey.Server.Connect;

/// <summary>Validated body of <c>POST /connect/sessions</c> and <c>/connect/sessions/reconnect</c> (spec §4.3).</summary>
public sealed record ConnectSessionInput(SessionTerms Terms, TimeSpan Lifetime, string? ConnectionId, string? IntegrationId);

public static class ConnectSessionRequests
{
    private static readonly string[] CommonKeys =
        ["end_user", "organization", "integrations_config_defaults", "overrides", "webhook_url_override", "tags", "expires_in"];

    private static readonly string[] CreateKeys = [.. CommonKeys, "allowed_integrations"];
    private static readonly string[] ReconnectKeys = [.. CommonKeys, "connection_id", "integration_id"];

    /// <param name="body">The request body.</param>
    /// <param name="reconnect">The reconnect variant (connection_id + integration_id instead of allowed_integrations).</param>
    /// <param name="integrationExists">Integration keys must name integrations of the caller's environment.</param>
    public static Outcome<ConnectSessionInput> Read(JsonElement body, bool reconnect, Func<string, bool> integrationExists)
    {
        var validator = new Validator();
        if (JsonObjectReader.Root(body, validator, reconnect ? ReconnectKeys : CreateKeys) is not { } root)
        {
            return validator.ToError(ErrorCodes.InvalidBody);
        }

        // end_user may be omitted only when top-level tags are given (spec §4.3); a reconnect keeps the connection's.
        var endUser = EndUserRequests.ReadEndUser(root, required: !reconnect && !root.Has("tags"));
        var organization = EndUserRequests.ReadOrganization(root);
        var tags = EndUserRequests.ReadTags(root, "tags");
        var connectionId = reconnect ? root.Text("connection_id", Identifiers.ConnectionId, required: true) : null;
        var integrationId = reconnect ? root.Text("integration_id", Identifiers.IntegrationKey, required: true) : null;

        IReadOnlyList<string>? allowed = null;
        if (!reconnect)
        {
            allowed = root.StringArray("allowed_integrations", Identifiers.IntegrationKey);
            for (var i = 0; allowed is not null && i < allowed.Count; i++)
            {
                if (!integrationExists(allowed[i]))
                {
                    validator.Add(IssueCodes.Custom, $"Integration '{allowed[i]}' does not exist.", ["allowed_integrations", i.ToString(System.Globalization.CultureInfo.InvariantCulture)]);
                }
            }

            allowed = allowed is { Count: 0 } ? null : allowed;
        }

        var defaults = ReadDefaults(root, integrationExists, out var deprecatedWebhook);
        var overrides = ReadOverrides(root, integrationExists);
        var webhook = HttpUrls.Read(root, "webhook_url_override");
        var lifetime = ReadLifetime(root);
        if (validator.HasErrors)
        {
            return validator.ToError(ErrorCodes.InvalidBody);
        }

        var terms = new SessionTerms(endUser, organization, allowed, defaults, overrides, string.IsNullOrEmpty(webhook) ? deprecatedWebhook : webhook, tags);
        return new ConnectSessionInput(terms, lifetime, connectionId, integrationId);
    }

    private static JsonObject? ReadDefaults(JsonObjectReader root, Func<string, bool> integrationExists, out string? deprecatedWebhook)
    {
        deprecatedWebhook = null;
        var entries = root.ObjectRecord("integrations_config_defaults", ["user_scopes", "authorization_params", "connection_config"]);
        if (entries is null)
        {
            return null;
        }

        var result = new JsonObject();
        foreach (var (key, value) in entries)
        {
            if (!integrationExists(key))
            {
                root.Validator.Add(IssueCodes.Custom, $"Integration '{key}' does not exist.", ["integrations_config_defaults", key]);
                continue;
            }

            var entry = new JsonObject();
            if (value.Text("user_scopes", StringRule.Bounded(0, InputLimits.Secret)) is { } userScopes)
            {
                entry["user_scopes"] = userScopes;
            }

            if (value.StringRecord("authorization_params", StringRule.Bounded(0, InputLimits.Secret)) is { } parameters)
            {
                entry["authorization_params"] = new JsonObject(parameters.Select(p => KeyValuePair.Create(p.Key, (JsonNode?)p.Value)));
            }

            if (value.OpenObject("connection_config") is { } config)
            {
                if (config["oauth_scopes_override"] is { } scopes && scopes.GetValueKind() != JsonValueKind.String)
                {
                    root.Validator.Add(IssueCodes.InvalidType, "oauth_scopes_override must be a comma-separated string",
                        ["integrations_config_defaults", key, "connection_config", "oauth_scopes_override"]);
                }

                // Deprecated input (spec §6.5): a webhook_url here becomes the session's webhook override.
                if (config["webhook_url"] is { } webhook)
                {
                    var url = webhook.GetValueKind() == JsonValueKind.String ? webhook.GetValue<string>() : null;
                    if (url is null || !HttpUrls.IsHttpUrl(url))
                    {
                        root.Validator.Add(IssueCodes.InvalidFormat, "webhook_url must be an http(s) URL",
                            ["integrations_config_defaults", key, "connection_config", "webhook_url"]);
                    }

                    deprecatedWebhook ??= url;
                    config.Remove("webhook_url");
                }

                entry["connection_config"] = config;
            }

            result[key] = entry;
        }

        return result;
    }

    private static JsonObject? ReadOverrides(JsonObjectReader root, Func<string, bool> integrationExists)
    {
        var entries = root.ObjectRecord("overrides", ["docs_connect"]);
        if (entries is null)
        {
            return null;
        }

        var result = new JsonObject();
        foreach (var (key, value) in entries)
        {
            if (!integrationExists(key))
            {
                root.Validator.Add(IssueCodes.Custom, $"Integration '{key}' does not exist.", ["overrides", key]);
                continue;
            }

            var docs = value.Text("docs_connect", StringRule.Bounded(1, InputLimits.Url));
            if (docs is not null && !HttpUrls.IsHttpUrl(docs))
            {
                value.Fail("docs_connect", IssueCodes.InvalidFormat, "must be an http(s) URL");
            }

            result[key] = docs is null ? new JsonObject() : new JsonObject { ["docs_connect"] = docs };
        }

        return result;
    }

    private static TimeSpan ReadLifetime(JsonObjectReader root)
    {
        var seconds = root.WholeNumber("expires_in", (int)ConnectSessionsOptions.MinLifetime.TotalSeconds, (int)ConnectSessionsOptions.MaxLifetime.TotalSeconds);
        return seconds is { } value ? TimeSpan.FromSeconds(value) : ConnectSessionsOptions.DefaultLifetime;
    }
}
