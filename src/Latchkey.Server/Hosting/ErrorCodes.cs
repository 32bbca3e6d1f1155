namespace Latchkey.Server.Hosting;

/// <summary>
/// Every error code of the wire contract in one place: the API's <c>error.code</c> (spec §1.2, §4.2), the OAuth
/// flow's <c>error_type</c> on the WebSocket and the result page (§12.2), the refresh outcomes, and the type an auth
/// log entry records. Clients key on these strings (the browser SDK copies them into <c>AuthError.type</c>, the
/// Connect UI picks its wording by them), so they never change spelling.
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

    // The provider gave no verdict (not a refusal, 502): it could not be reached (network, DNS, TLS, timeout), or it
    // failed itself (HTTP 5xx, 408, 429). Nothing is saved; trying again later may work.
    public const string ProviderUnreachable = "provider_unreachable";
    public const string ProviderError = "provider_error";
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

    // Proxy (/proxy/*): failures of our own; the provider's answers pass through unchanged
    public const string MissingBaseUrl = "missing_base_url";
    public const string ProxyTargetRefused = "proxy_target_refused";
    public const string ProxyUpstreamUnreachable = "proxy_upstream_unreachable";
    public const string ProxyUpstreamTimeout = "proxy_upstream_timeout";

    // Refresh outcomes carried inside invalid_credentials (spec §4.6, §5.10)
    public const string RefreshTokenExternalError = "refresh_token_external_error";
    public const string ConnectionRefreshBackoff = "connection_refresh_backoff";
    public const string ConnectionRefreshExhausted = "connection_refresh_exhausted";

    // OAuth flow outcomes (spec §12.2): the error_type of the WebSocket message and of the result page. A flow also
    // ends with connection_validation_failed, resource_capped, missing_hmac or invalid_hmac, spelled as above.
    public const string ProviderConfigErr = "provider_config_err";
    public const string UnknownConfigKey = "unknown_config_key";
    public const string UrlParamErr = "url_param_err";
    public const string GrantTypeErr = "grant_type_err";
    public const string AuthModeErr = "auth_mode_err";
    public const string CallbackErr = "callback_err";
    public const string StateErr = "state_err";
    public const string StateCookieErr = "state_cookie_err";
    public const string TokenErr = "token_err";
    public const string EnvironmentRetrievalErr = "account_or_environment_retrieval_err";
    public const string UnknownErr = "unknown_err";
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
