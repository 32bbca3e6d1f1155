using System.Text.Json.Nodes;

namespace Latchkey.Server.ApiReference;

/// <summary>What the reference says about one operation: a summary, and the bodies the handler reads and writes.</summary>
internal sealed record OperationDoc(string Summary, Type? Request = null, Type? Response = null, string? Description = null, string[]? Query = null);

/// <summary>
/// The reference text of every API operation, keyed by method and path as the OpenAPI document writes them. The
/// handlers parse JSON by hand, so their bodies are described here (WireShapes.cs). A route without an entry fails
/// <c>OpenApiDocumentTests</c>; the deprecated <c>/connection…</c> twins share the <c>/connections…</c> entries.
/// </summary>
internal static class ApiOperations
{
    public static readonly IReadOnlyDictionary<string, OperationDoc> All = new Dictionary<string, OperationDoc>(StringComparer.Ordinal)
    {
        ["GET /health"] = new("Is the server ready (same answer as /health/ready)"),
        ["GET /health/ready"] = new("Readiness: the database answers and the key ring is loaded", Description: "503 with the names of the failing checks otherwise."),
        ["GET /health/live"] = new("Liveness: the process answers"),

        ["POST /connect/sessions"] = new("Create a connect session for an end user", typeof(CreateConnectSessionRequest), typeof(ConnectSessionCreated),
            "Hand the token to the browser: the SDK and the Connect UI use it for 30 minutes (or `expires_in` seconds)."),
        ["POST /connect/sessions/reconnect"] = new("Create a session that re-authorizes an existing connection", typeof(ReconnectSessionRequest), typeof(ConnectSessionCreated)),
        ["GET /connect/session"] = new("Read the caller's connect session (Connect UI)"),
        ["DELETE /connect/session"] = new("End the caller's connect session early"),
        ["POST /connect/telemetry"] = new("Record a Connect UI telemetry event", typeof(TelemetryRequest)),

        ["GET /integrations"] = new("List integrations (a session token sees only its allowed ones)", Response: typeof(IntegrationList)),
        ["POST /integrations"] = new("Create an integration", typeof(CreateIntegrationRequest), typeof(IntegrationAnswer)),
        ["GET /integrations/{uniqueKey}"] = new("Get an integration", Response: typeof(IntegrationAnswer),
            Description: "`include=credentials` adds the app credentials, `include=webhook` the provider webhook URL."),
        ["PATCH /integrations/{uniqueKey}"] = new("Update or rename an integration", typeof(UpdateIntegrationRequest), typeof(IntegrationAnswer)),
        ["DELETE /integrations/{uniqueKey}"] = new("Delete an integration and its connections", Response: typeof(SuccessAnswer)),

        ["GET /providers"] = new("List the provider catalog", Response: typeof(ProviderList)),
        ["GET /providers/{provider}"] = new("Get one provider of the catalog", Response: typeof(ProviderAnswer)),
        ["GET /providers.json"] = new("The whole catalog as one JSON document"),
        ["GET /images/template-logos/{file}"] = new("A provider's logo (SVG)"),

        ["POST /api-auth/api-key/{providerConfigKey}"] = new("Connect with an API key (verified with the provider first)", typeof(ApiKeyRequest), typeof(EntryResult)),
        ["POST /api-auth/basic/{providerConfigKey}"] = new("Connect with a username and password", typeof(BasicRequest), typeof(EntryResult)),
        ["POST /auth/unauthenticated/{providerConfigKey}"] = new("Create a connection for a provider without credentials", Response: typeof(EntryResult)),
        ["POST /auth/two-step/{providerConfigKey}"] = new("Connect with fields exchanged for a token (TWO_STEP)", typeof(JsonObject), typeof(EntryResult)),
        ["POST /auth/jwt/{providerConfigKey}"] = new("Connect with the fields of a token the server signs (JWT)", typeof(JsonObject), typeof(EntryResult)),
        ["POST /auth/signature/{providerConfigKey}"] = new("Connect with a WSSE username token (SIGNATURE)", typeof(SignatureRequest), typeof(EntryResult)),
        ["POST /auth/bill/{providerConfigKey}"] = new("Connect to BILL with a sign-in", typeof(BillRequest), typeof(EntryResult)),
        ["POST /auth/tba/{providerConfigKey}"] = new("Connect to NetSuite with token-based authentication", typeof(TbaRequest), typeof(EntryResult)),

        ["GET /oauth/connect/{providerConfigKey}"] = new("Start an OAuth flow (opened in the SDK's popup, or in the page itself)",
            Description: "A browser navigation: redirects to the provider; the outcome reaches the SDK over its WebSocket and the result page. "
                + "Redirect mode: with return_to (on the Connect UI's origin or an allowed origin of the environment, else a 400 JSON error) "
                + "the callback sends the browser back there with latchkey_result, connection_id / error_type, provider_config_key.",
            Query: ["connect_session_token or public_key: who asks", "ws_client_id: the SDK's WebSocket", "return_to: redirect mode's return address"]),
        ["GET /oauth/callback"] = new("The OAuth redirect URI to register with providers",
            Description: "Consumes the flow's state, exchanges the code and answers with the HTML result page, or 303 to the flow's return_to."),
        ["POST /oauth2/auth/{providerConfigKey}"] = new("Connect with OAuth 2 client credentials", typeof(ClientCredentialsRequest), typeof(EntryResult)),

        ["GET /connections"] = new("List connections", Response: typeof(ConnectionList),
            Query: ["connectionId: one connection id", "search: part of a connection id, end-user name or e-mail", "endUserId: the end user's id",
                "integrationId: integration keys, comma-separated", "limit: at most this many (1-2000)", "page: page number from 0"]),
        ["POST /connections"] = new("Import a connection with existing credentials", typeof(ImportConnectionRequest), typeof(ConnectionShape)),
        ["GET /connections/{connectionId}"] = new("Get a connection with fresh credentials", Response: typeof(ConnectionShape),
            Description: "Access tokens within their refresh margin are refreshed first, once per connection however many readers ask.",
            Query: [ProviderConfigKey, "refresh_token: also return refresh tokens (true/false)", "force_refresh: refresh now (true/false)"]),
        ["PATCH /connections/{connectionId}"] = new("Update a connection's end user, tags or webhook override", typeof(PatchConnectionRequest), typeof(SuccessAnswer),
            Query: [ProviderConfigKey]),
        ["DELETE /connections/{connectionId}"] = new("Delete a connection", Response: typeof(SuccessAnswer), Query: [ProviderConfigKey]),
        ["POST /connections/metadata"] = new("Replace the metadata of connections", typeof(MetadataRequest), typeof(MetadataRequest)),
        ["PATCH /connections/metadata"] = new("Merge into the metadata of connections", typeof(MetadataRequest), typeof(MetadataRequest)),
        ["POST /connections/{connectionId}/metadata"] = new("Replace one connection's metadata (legacy form)", typeof(JsonObject)),
        ["PATCH /connections/{connectionId}/metadata"] = new("Merge into one connection's metadata (legacy form)", typeof(JsonObject)),

        ["GET /environment"] = new("Read the environment's settings"),
        ["PATCH /environment"] = new("Change the environment's settings", typeof(EnvironmentPatchRequest)),
        ["POST /environment/webhook-signing-key"] = new("Generate a new webhook signing key"),
        ["DELETE /environment/webhook-signing-key"] = new("Remove the webhook signing key"),

        ["GET /logs"] = new("List auth log entries"),
        ["GET /logs/{logId}"] = new("Get one auth log entry with its steps"),

        ["GET /audit"] = new("List audit entries: who changed what, when and from where",
            Description: "Entries of the key's environment and of none (users, logins), newest first; never a secret value.",
            Query: ["actor: part of the actor (an e-mail, or 'secret key dev')", "action: one action, e.g. integration.created",
                "from: a date (YYYY-MM-DD) or an ISO 8601 instant, inclusive", "to: a date (that whole day included) or an instant, exclusive",
                "limit: at most this many (1-100, default 50)", "cursor: the next_cursor of the previous page"]),
    };

    private const string ProviderConfigKey = "provider_config_key*: the connection's integration key";

    /// <summary>The key of an operation; the deprecated <c>/connection…</c> paths use the entries of <c>/connections…</c>.</summary>
    public static string Key(string method, string path) => $"{method.ToUpperInvariant()} {CanonicalPath(path)}";

    public static bool IsLegacyPath(string path) => path == "/connection" || path.StartsWith("/connection/", StringComparison.Ordinal);

    private static string CanonicalPath(string path) => IsLegacyPath(path) ? "/connections" + path["/connection".Length..] : path;
}
