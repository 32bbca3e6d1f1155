using System.Globalization;
using System.Text.Json.Nodes;
using Latchkey.Server.Callers;
using Latchkey.Server.ConnectSessions;
using Latchkey.Server.Connections;
using Latchkey.Server.Hosting;
using Latchkey.Server.Hosting.Validation;
using Latchkey.Server.Integrations;
using Latchkey.Server.Providers;
using Latchkey.Server.Tokens;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Latchkey.Server.CredentialEntry;

/// <summary><c>POST /connections</c>: import credentials obtained elsewhere (spec §4.6), verified like entered ones.</summary>
public static class ConnectionImport
{
    private static readonly string[] BodyKeys =
        ["provider_config_key", "connection_id", "metadata", "connection_config", "webhook_url_override", "end_user", "tags", "credentials"];

    private static readonly Dictionary<string, (string[] Required, string[] Optional)> CredentialFields = new(StringComparer.Ordinal)
    {
        [AuthModes.OAuth2] = (["access_token"], ["refresh_token", "expires_at", "config_override", "raw"]),
        [AuthModes.OAuth2ClientCredentials] = (["token", "client_id", "client_secret"], ["client_certificate", "client_private_key", "expires_at", "raw"]),
        [AuthModes.OAuth1] = (["oauth_token", "oauth_token_secret"], ["raw"]),
        [AuthModes.ApiKey] = (["apiKey"], []),
        [AuthModes.Basic] = (["username", "password"], []),
        [AuthModes.None] = ([], []),
        [AuthModes.Tba] = (["token_id", "token_secret"], ["config_override"]),
        [AuthModes.App] = (["app_id", "installation_id"], []),
        [AuthModes.Custom] = (["app_id", "installation_id"], []),
    };

    public static async Task<Results<Created<JsonObject>, ApiError>> ImportConnectionAsync(
        Caller caller, HttpRequest request, IntegrationStore integrations, ProviderCatalog catalog, ConnectionLimits limits,
        CredentialVerifier verifier, AppInstallationTokens appTokens, ConnectionWriter writer, ConnectionStore store, ConnectionSecrets secrets,
        TimeProvider clock, CancellationToken cancellationToken)
    {
        var body = await JsonBody.ReadAsync(request, cancellationToken);
        if (body.Failed)
        {
            return body.Error;
        }

        var validator = new Validator();
        if (JsonObjectReader.Root(body.Value, validator, BodyKeys) is not { } root)
        {
            return validator.ToError(ErrorCodes.InvalidBody);
        }

        var key = root.Text("provider_config_key", Identifiers.IntegrationKey, required: true);
        var connectionId = root.Text("connection_id", Identifiers.ConnectionId) ?? Guid.NewGuid().ToString();
        var metadata = root.OpenObject("metadata");
        var config = root.OpenObject("connection_config") ?? [];
        var webhook = HttpUrls.Read(root, "webhook_url_override");
        var endUser = EndUserRequests.ReadEndUser(root, required: false);
        var tags = EndUserRequests.ReadTags(root, "tags");
        var credentialsReader = root.Nested("credentials", allowedKeys: null, required: true);
        if (validator.HasErrors)
        {
            return validator.ToError(ErrorCodes.InvalidBody);
        }

        var integration = await integrations.FindAsync(caller.EnvironmentId, key!, cancellationToken);
        if (integration is null || !catalog.TryGet(integration.Provider, out var provider))
        {
            return ApiError.NotFound(integration is null ? $"Integration '{key}' does not exist." : $"Provider '{integration.Provider}' is not in the catalog.");
        }

        var credentials = ReadCredentials(credentialsReader!.Value, provider.AuthMode, config);
        if (validator.HasErrors || credentials is null)
        {
            return validator.ToError(ErrorCodes.InvalidBody);
        }

        var existing = await store.FindAsync(caller.EnvironmentId, integration.UniqueKey, connectionId, cancellationToken);
        if (existing is null && await limits.IsReachedAsync(caller.Environment, cancellationToken))
        {
            return ApiError.BadRequest(ErrorCodes.ResourceCapped, ConnectionLimits.EnvironmentCappedMessage);
        }

        // TBA is checked with requests signed by the imported token; a refusal is invalid_credentials (spec §5.11).
        Action<HttpRequestMessage>? sign = null;
        if (provider.AuthMode == AuthModes.Tba)
        {
            var signer = TbaSigner.For(integration, integrations, credentials.Value.Stored, config, clock);
            if (signer.Failed)
            {
                return signer.Error;
            }

            sign = signer.Value;
        }

        if (provider.AuthMode is AuthModes.ApiKey or AuthModes.Basic or AuthModes.Tba &&
            (await verifier.VerifyAsync(provider, credentials.Value.Stored, config, cancellationToken, sign)).ErrorFor(provider, $"{provider.DisplayName} did not accept these credentials.") is { } refused)
        {
            return refused;
        }

        if (provider.AuthMode is AuthModes.App or AuthModes.Custom)
        {
            // An installation is imported by its id: the token is minted now, which also proves the app may use it.
            var minted = await MintInstallationTokenAsync(provider, integration, integrations, appTokens, credentials.Value.Stored, config, cancellationToken);
            if (minted.Failed)
            {
                return minted.Error;
            }

            credentials = minted.Value;
        }

        var saved = await writer.SaveAsync(
            new NewConnection(caller.EnvironmentId, integration.Id, integration.UniqueKey, integration.Provider, connectionId, credentials.Value.Stored, credentials.Value.ExpiresAt, config,
                ConnectSession.BuildTags(endUser, null, tags), endUser, null, string.IsNullOrEmpty(webhook) ? null : webhook, metadata,
                limits.For(caller.Environment, sessionId: null)),
            cancellationToken);
        if (saved.Failed)
        {
            return saved.Error;
        }

        var connection = await store.GetLiveAsync(saved.Value.Id, cancellationToken);
        return TypedResults.Created((string?)null, ConnectionView.Full(connection!, secrets.Open(connection!), includeRefreshToken: true, lastFetchedAt: null));
    }

    private static async Task<Outcome<(JsonObject Stored, DateTimeOffset? ExpiresAt)>> MintInstallationTokenAsync(
        Provider provider, Integration integration, IntegrationStore integrations, AppInstallationTokens appTokens, JsonObject imported, JsonObject config,
        CancellationToken cancellationToken)
    {
        var installationId = imported.GetString("installation_id") ?? "";
        if (installationId.Length > 20 || !installationId.All(char.IsAsciiDigit))
        {
            return ApiError.Invalid(ErrorCodes.InvalidBody,
                [new ValidationIssue(IssueCodes.InvalidFormat, "must be the number GitHub gave the installation", ["credentials", "installation_id"])]);
        }

        var appId = imported.GetString("app_id")!;
        config["installation_id"] = installationId;
        config["app_id"] = appId;
        var minted = await appTokens.MintAsync(provider, new AppIdentity(appId, integrations.OpenSecrets(integration).PrivateKey ?? ""), config, cancellationToken);
        if (minted.Failed)
        {
            return ApiError.BadRequest(ErrorCodes.ConnectionTestFailed, minted.Error.Message ?? $"{provider.DisplayName} did not issue an installation token.");
        }

        var app = minted.Value.Credentials;
        var stored = provider.AuthMode == AuthModes.App
            ? app
            : new JsonObject { ["type"] = AuthModes.Custom, ["app"] = app, ["user"] = null, ["raw"] = app["raw"]?.DeepClone() };
        return (stored, minted.Value.ExpiresAt);
    }

    private static (JsonObject Stored, DateTimeOffset? ExpiresAt)? ReadCredentials(JsonObjectReader reader, string authMode, JsonObject config)
    {
        var type = reader.Text("type", StringRule.NonEmpty, required: true);
        if (type is null)
        {
            return null;
        }

        if (type != authMode || !CredentialFields.TryGetValue(type, out var fields))
        {
            reader.Fail("type", IssueCodes.Custom, type != authMode
                ? $"credentials.type must be {authMode}, the auth mode of this integration's provider."
                : $"Importing {type} credentials is not supported.");
            return null;
        }

        if (type == AuthModes.Tba && config.GetString("accountId") is null)
        {
            reader.Validator.Add(IssueCodes.Custom, "TBA connections need connection_config.accountId.", ["connection_config", "accountId"]);
        }

        var stored = new JsonObject { ["type"] = type };
        foreach (var name in fields.Required)
        {
            stored[name] = reader.Text(name, StringRule.Bounded(1, 16384), required: true);
        }

        DateTimeOffset? expiresAt = null;
        foreach (var name in fields.Optional)
        {
            if (!reader.Has(name))
            {
                continue;
            }

            if (name is "config_override" or "raw")
            {
                stored[name] = reader.OpenObject(name);
            }
            else if (name == "expires_at")
            {
                var text = reader.Text(name, StringRule.NonEmpty);
                if (DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var parsed))
                {
                    expiresAt = parsed.ToUniversalTime();
                    stored[name] = Timestamps.Format(expiresAt.Value);
                }
                else if (text is not null)
                {
                    reader.Fail(name, IssueCodes.InvalidFormat, "must be an ISO 8601 date");
                }
            }
            else
            {
                stored[name] = reader.Text(name, StringRule.Bounded(1, 16384));
            }
        }

        var unknown = reader.Keys().Where(k => k != "type" && !fields.Required.Contains(k) && !fields.Optional.Contains(k)).ToArray();
        if (unknown.Length > 0)
        {
            reader.Validator.Add(IssueCodes.UnrecognizedKeys, $"Unrecognized key(s) in object: {string.Join(", ", unknown.Select(k => $"'{k}'"))}", reader.Path);
        }

        if (type is AuthModes.OAuth2 or AuthModes.OAuth2ClientCredentials or AuthModes.OAuth1 && stored["raw"] is null)
        {
            stored["raw"] = new JsonObject();
        }

        return (stored, expiresAt);
    }
}
