using Latchkey.Server.Callers;
using Microsoft.OpenApi;

namespace Latchkey.Server.ApiReference;

/// <summary>The credential schemes of spec §4.1 as OpenAPI security schemes; two requirements mean either one.</summary>
internal static class SecuritySchemes
{
    public const string SecretKey = "secretKey";
    public const string SessionToken = "connectSessionToken";
    public const string SessionTokenQuery = "connectSessionTokenQuery";
    public const string PublicKey = "publicKey";

    public static Dictionary<string, IOpenApiSecurityScheme> All() => new()
    {
        [SecretKey] = new OpenApiSecurityScheme
        {
            Type = SecuritySchemeType.Http, Scheme = "bearer",
            Description = "The environment's secret key (`lk_sk_…`), for your backend only. Printed on first start, shown in the dashboard's Settings.",
        },
        [SessionToken] = new OpenApiSecurityScheme
        {
            Type = SecuritySchemeType.Http, Scheme = "bearer",
            Description = "A connect session token (`nango_connect_session_…`) from `POST /connect/sessions`, as the Connect UI sends it.",
        },
        [SessionTokenQuery] = new OpenApiSecurityScheme
        {
            Type = SecuritySchemeType.ApiKey, In = ParameterLocation.Query, Name = "connect_session_token",
            Description = "A connect session token in the query string, as the browser SDK sends it to the entry points.",
        },
        [PublicKey] = new OpenApiSecurityScheme
        {
            Type = SecuritySchemeType.ApiKey, In = ParameterLocation.Query, Name = "public_key",
            Description = "The legacy public key; refused unless `LATCHKEY_PUBLIC_KEY_AUTH=true`.",
        },
    };

    public static List<OpenApiSecurityRequirement> Requirements(AuthScheme scheme, OpenApiDocument document) => scheme switch
    {
        AuthScheme.SecretKey => [Requirement(SecretKey, document)],
        AuthScheme.SessionToken => [Requirement(SessionToken, document)],
        AuthScheme.SessionTokenOrSecretKey => [Requirement(SessionToken, document), Requirement(SecretKey, document)],
        AuthScheme.SessionTokenOrPublicKey => [Requirement(SessionTokenQuery, document), Requirement(PublicKey, document)],
        _ => throw new ArgumentOutOfRangeException(nameof(scheme), scheme, "Every caller scheme needs its OpenAPI requirement."),
    };

    private static OpenApiSecurityRequirement Requirement(string name, OpenApiDocument document) =>
        new() { [new OpenApiSecuritySchemeReference(name, document)] = [] };
}
