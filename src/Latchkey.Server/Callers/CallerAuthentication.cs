using Latchkey.Server.ConnectSessions;
using Latchkey.Server.Environments;
using Latchkey.Server.Hosting;
using Microsoft.Extensions.Options;

namespace Latchkey.Server.Callers;

/// <summary>
/// Authenticates a request for the scheme its endpoint declares, exactly as spec §4.1 describes (same checks, same
/// order, same codes), and attaches the <see cref="Caller"/>. Runs after routing, before binding.
/// </summary>
public sealed class CallerAuthentication(
    EnvironmentDirectory environments,
    ConnectSessionStore sessions,
    IOptions<ServerOptions> options)
{
    public static async Task Middleware(HttpContext context, RequestDelegate next)
    {
        var required = context.GetEndpoint()?.Metadata.GetMetadata<RequireCallerMetadata>();
        if (required is not null)
        {
            var authentication = context.RequestServices.GetRequiredService<CallerAuthentication>();
            var outcome = await authentication.AuthenticateAsync(context, required.Scheme);
            if (outcome.Failed)
            {
                await outcome.Error.ExecuteAsync(context);
                return;
            }

            outcome.Value.Attach(context);
        }

        await next(context);
    }

    public async Task<Outcome<Caller>> AuthenticateAsync(HttpContext context, AuthScheme scheme)
    {
        var cancellationToken = context.RequestAborted;
        if (scheme == AuthScheme.SessionTokenOrPublicKey)
        {
            return await FromQueryAsync(context.Request.Query, cancellationToken);
        }

        var header = context.Request.Headers.Authorization.ToString();
        if (!context.Request.Headers.ContainsKey("Authorization"))
        {
            return ApiError.Unauthorized(ErrorCodes.MissingAuthHeader, "Authentication failed: the request has no Authorization header.");
        }

        // "Bearer <token>"; a header without the scheme is used whole, and a bare "Bearer" carries no token.
        var trimmed = header.Trim();
        var token = trimmed.Equals("Bearer", StringComparison.OrdinalIgnoreCase) ? ""
            : trimmed.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase) ? trimmed[7..].Trim() : trimmed;
        if (token.Length == 0)
        {
            return ApiError.Unauthorized(ErrorCodes.MalformedAuthHeader, "Authentication failed: the Authorization header carries no token.");
        }

        return scheme switch
        {
            AuthScheme.SecretKey => await FromSecretKeyAsync(token, cancellationToken),
            AuthScheme.SessionToken => await FromSessionTokenAsync(token, cancellationToken),
            _ => token.StartsWith(SessionTokens.Prefix, StringComparison.Ordinal)
                ? await FromSessionTokenAsync(token, cancellationToken)
                : await FromSecretKeyAsync(token, cancellationToken),
        };
    }

    private async Task<Outcome<Caller>> FromSecretKeyAsync(string key, CancellationToken cancellationToken)
    {
        if (!KeyFormats.IsSecretKey(key))
        {
            return ApiError.Unauthorized(ErrorCodes.InvalidSecretKeyFormat, "Authentication failed: the secret key has the wrong format.");
        }

        var environment = await environments.FindBySecretKeyAsync(key, cancellationToken);
        return environment is null
            ? ApiError.Unauthorized(ErrorCodes.UnknownAccount, "Authentication failed: no environment has this secret key.")
            : new Caller(environment, CallerKind.SecretKey);
    }

    private async Task<Outcome<Caller>> FromSessionTokenAsync(string token, CancellationToken cancellationToken)
    {
        if (!SessionTokens.HasValidFormat(token))
        {
            return ApiError.Unauthorized(ErrorCodes.InvalidConnectSessionTokenFormat, "Authentication failed: the connect session token has the wrong format.");
        }

        var session = await sessions.FindByTokenAsync(token, cancellationToken);
        if (session is null)
        {
            return ApiError.Unauthorized(ErrorCodes.UnknownConnectSessionToken, "The connect session token is unknown or has expired.");
        }

        var environment = await environments.GetAsync(session.EnvironmentId, cancellationToken);
        return environment is null
            ? ApiError.Unauthorized(ErrorCodes.UnknownConnectSessionToken, "The connect session token is unknown or has expired.")
            : new Caller(environment, CallerKind.SessionToken, session);
    }

    private async Task<Outcome<Caller>> FromQueryAsync(IQueryCollection query, CancellationToken cancellationToken)
    {
        // A session token, when present, decides alone: a bad one is an error even if a public key is also given.
        if (query.TryGetValue("connect_session_token", out var sessionToken))
        {
            return await FromSessionTokenAsync(sessionToken.ToString(), cancellationToken);
        }

        if (!query.TryGetValue("public_key", out var publicKeyValues) || publicKeyValues.ToString().Length == 0)
        {
            return ApiError.Unauthorized(ErrorCodes.MissingPublicKey, "Authentication failed: pass a connect_session_token.");
        }

        if (!options.Value.PublicKeyAuth)
        {
            return ApiError.Unauthorized(ErrorCodes.DeprecatedAuthentication,
                "Public-key authentication is turned off on this server; use a connect session token (or set LATCHKEY_PUBLIC_KEY_AUTH=true).");
        }

        var publicKey = publicKeyValues.ToString();
        if (!KeyFormats.IsPublicKey(publicKey))
        {
            return ApiError.Unauthorized(ErrorCodes.InvalidPublicKey, "Authentication failed: the public key has the wrong format.");
        }

        var environment = await environments.FindByPublicKeyAsync(publicKey, cancellationToken);
        return environment is null
            ? ApiError.Unauthorized(ErrorCodes.UnknownAccount, "Authentication failed: no environment has this public key.")
            : new Caller(environment, CallerKind.PublicKey);
    }
}
