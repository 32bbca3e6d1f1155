namespace Latchkey.Server.Hosting;

/// <summary>
/// Every error code of the wire contract (spec §4.2 and §12.2) in one place. Clients key on these strings
/// (the browser SDK copies them into <c>AuthError.type</c>), so they never change spelling.
/// </summary>
public static class ErrorCodes
{
    // Authentication (401) and authorization (403)
    public const string MissingAuthHeader = "missing_auth_header";
    public const string MalformedAuthHeader = "malformed_auth_header";
    public const string InvalidSecretKeyFormat = "invalid_secret_key_format";
    public const string UnknownAccount = "unknown_account";
    public const string InvalidConnectSessionTokenFormat = "invalid_connect_session_token_format";
    public const string UnknownConnectSessionToken = "unknown_connect_session_token";
    public const string MissingPublicKey = "missing_public_key";
    public const string InvalidPublicKey = "invalid_public_key";
    public const string DeprecatedAuthentication = "deprecated_authentication";
    public const string Forbidden = "forbidden";
    public const string InvalidPermissions = "invalid_permissions";

    // Request shape (400/413/415)
    public const string InvalidJson = "invalid_json";
    public const string InvalidContentType = "invalid_content_type";
    public const string InvalidBody = "invalid_body";
    public const string InvalidQueryParams = "invalid_query_params";
    public const string InvalidUriParams = "invalid_uri_params";
    public const string InvalidHeaders = "invalid_headers";
    public const string InvalidRequest = "invalid_request";
    public const string PayloadTooLarge = "payload_too_large";
    public const string MissingHmac = "missing_hmac";
    public const string InvalidHmac = "invalid_hmac";

    // Domain
    public const string UnknownProviderConfig = "unknown_provider_config";
    public const string UnknownProviderTemplate = "unknown_provider_template";
    public const string InvalidAuthMode = "invalid_auth_mode";
    public const string IntegrationNotAllowed = "integration_not_allowed";
    public const string InvalidConnection = "invalid_connection";
    public const string ConnectionTestFailed = "connection_test_failed";
    public const string ConnectionValidationFailed = "connection_validation_failed";
    public const string InvalidCredentials = "invalid_credentials";
    public const string MissingClientId = "missing_client_id";
    public const string MissingClientSecret = "missing_client_secret";
    public const string ClientCredentialsFetchError = "client_credentials_fetch_error";
    public const string ResourceCapped = "resource_capped";
    public const string NotFound = "not_found";
    public const string UnknownConnection = "unknown_connection";
    public const string MethodNotAllowed = "method_not_allowed";
    public const string TooManyRequest = "too_many_request";
    public const string ServerError = "server_error";
    public const string GenericErrorSupport = "generic_error_support";

    // Refresh outcomes carried inside invalid_credentials (spec §4.6, §5.10)
    public const string RefreshTokenExternalError = "refresh_token_external_error";
    public const string ConnectionRefreshBackoff = "connection_refresh_backoff";
    public const string ConnectionRefreshExhausted = "connection_refresh_exhausted";
}

/// <summary>
/// The <c>error_type</c> of an OAuth flow's outcome (spec §12.2): sent on the SDK's WebSocket and shown by the result
/// page, which carries the precise type too (DESIGN decision 13).
/// </summary>
public static class FlowErrors
{
    public const string MissingHmac = "missing_hmac";
    public const string InvalidHmac = "invalid_hmac";
    public const string ProviderConfig = "provider_config_err";
    public const string UnknownConfigKey = "unknown_config_key";
    public const string UrlParam = "url_param_err";
    public const string GrantType = "grant_type_err";
    public const string AuthMode = "auth_mode_err";
    public const string Callback = "callback_err";
    public const string State = "state_err";
    public const string StateCookie = "state_cookie_err";
    public const string Token = "token_err";
    public const string EnvironmentGone = "account_or_environment_retrieval_err";
    public const string ConnectionValidationFailed = "connection_validation_failed";
    public const string ResourceCapped = "resource_capped";
    public const string Unknown = "unknown_err";
}

/// <summary>Issue codes inside <c>error.errors[]</c>; the same vocabulary as zod, which the reference uses.</summary>
public static class IssueCodes
{
    public const string InvalidType = "invalid_type";
    public const string TooSmall = "too_small";
    public const string TooBig = "too_big";
    public const string InvalidFormat = "invalid_format";
    public const string InvalidValue = "invalid_value";
    public const string UnrecognizedKeys = "unrecognized_keys";
    public const string Custom = "custom";
}
