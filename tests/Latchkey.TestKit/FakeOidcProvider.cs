using System.Collections.Concurrent;
using System.Net;
using System.Security.Claims;
using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace Latchkey.TestKit;

/// <summary>Who the fake identity provider signs in: an e-mail and what it says about it.</summary>
public sealed record FakeOidcUser(string Email, bool? EmailVerified = true)
{
    public string Subject { get; init; } = "sub-" + Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(Email)))[..16];
}

/// <summary>
/// A small OpenID Connect provider on loopback for the dashboard's single sign-on: discovery, a JWKS with an RSA key
/// made at start, <c>/authorize</c> (approves <see cref="User"/> at once, or shows a form asking for an e-mail when it
/// is null), <c>/token</c> (checks the code once, the PKCE verifier, the client and its secret, the redirect URI) and
/// RS256 ID tokens with iss, aud, exp, nonce, email and email_verified.
/// </summary>
public sealed class FakeOidcProvider : IAsyncDisposable
{
    public const string ClientId = "latchkey-dashboard";
    public const string ClientSecret = "fake-oidc-client-secret-5b1e";

    private readonly WebApplication _app;
    private readonly RSA _key = RSA.Create(2048);
    private readonly string _keyId = Guid.NewGuid().ToString("N")[..12];
    private readonly ConcurrentDictionary<string, Grant> _codes = new();
    private int _tokenCalls;

    private FakeOidcProvider(WebApplication app)
    {
        _app = app;
    }

    public string Issuer { get; private set; } = "";

    /// <summary>Signed in at once by <c>/authorize</c>; null: a form asks which e-mail.</summary>
    public FakeOidcUser? User { get; set; }

    /// <summary>When set, <c>/authorize</c> answers with this OAuth error (e.g. <c>access_denied</c>) instead of a code.</summary>
    public string? AuthorizeError { get; set; }

    public int TokenCalls => _tokenCalls;

    /// <summary>Every ID token issued, for tests that check none leaks into logs.</summary>
    public ConcurrentBag<string> IssuedIdTokens { get; } = [];

    /// <summary>Why the last token request was refused, for a test's failure message.</summary>
    public string? LastTokenRefusal { get; private set; }

    /// <summary>
    /// Starts on a free loopback port. <paramref name="hostName"/> <c>localhost</c> makes the issuer another site than a
    /// Latchkey on 127.0.0.1, as a real provider is (browsers ignore ports when they compare sites for SameSite cookies).
    /// </summary>
    public static async Task<FakeOidcProvider> StartAsync(string hostName = "127.0.0.1")
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.ConfigureKestrel(kestrel =>
        {
            if (hostName == "localhost")
            {
                // Both loopbacks on one port, whichever "localhost" resolves to first.
                kestrel.ListenLocalhost(FreePort());
            }
            else
            {
                kestrel.Listen(IPAddress.Loopback, 0);
            }
        });
        builder.Logging.ClearProviders();
        var app = builder.Build();
        var fake = new FakeOidcProvider(app);
        app.MapGet("/.well-known/openid-configuration", fake.Discovery);
        app.MapGet("/jwks", fake.Keys);
        app.MapGet("/authorize", fake.Authorize);
        app.MapPost("/authorize", fake.AuthorizeFormAsync);
        app.MapPost("/token", fake.TokenAsync);
        await app.StartAsync();
        var port = new Uri(app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First()).Port;
        fake.Issuer = $"http://{hostName}:{port}";
        return fake;
    }

    /// <summary>The settings that point Latchkey at this provider, allowing these e-mail domains.</summary>
    public Dictionary<string, string?> Settings(string allowedDomains = "example.com") => new()
    {
        ["LATCHKEY_SSO_OIDC_AUTHORITY"] = Issuer,
        ["LATCHKEY_SSO_OIDC_CLIENT_ID"] = ClientId,
        ["LATCHKEY_SSO_OIDC_CLIENT_SECRET"] = ClientSecret,
        ["LATCHKEY_SSO_OIDC_DISPLAY_NAME"] = "Fake IdP",
        ["LATCHKEY_SSO_ALLOWED_DOMAINS"] = allowedDomains,
    };

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
        _key.Dispose();
    }

    private IResult Discovery() => Results.Json(new Dictionary<string, object>
    {
        ["issuer"] = Issuer,
        ["authorization_endpoint"] = Issuer + "/authorize",
        ["token_endpoint"] = Issuer + "/token",
        ["jwks_uri"] = Issuer + "/jwks",
        ["response_types_supported"] = new[] { "code" },
        ["subject_types_supported"] = new[] { "public" },
        ["id_token_signing_alg_values_supported"] = new[] { "RS256" },
        ["code_challenge_methods_supported"] = new[] { "S256" },
        ["scopes_supported"] = new[] { "openid", "email", "profile" },
        ["token_endpoint_auth_methods_supported"] = new[] { "client_secret_post", "client_secret_basic" },
    });

    private IResult Keys()
    {
        var parameters = _key.ExportParameters(includePrivateParameters: false);
        return Results.Json(new { keys = new[] { new { kty = "RSA", use = "sig", alg = "RS256", kid = _keyId, n = Base64UrlEncoder.Encode(parameters.Modulus), e = Base64UrlEncoder.Encode(parameters.Exponent) } } });
    }

    private IResult Authorize(HttpRequest request)
    {
        var query = request.Query;
        if (query["client_id"] != ClientId || query["response_type"] != "code" || query["code_challenge_method"] != "S256"
            || string.IsNullOrEmpty(query["code_challenge"]) || !Uri.TryCreate(query["redirect_uri"], UriKind.Absolute, out _)
            || !query["scope"].ToString().Split(' ').Contains("openid"))
        {
            return Results.BadRequest("invalid authorization request");
        }

        if (AuthorizeError is { } error)
        {
            return Results.Redirect(QueryHelpers.AddQueryString(query["redirect_uri"]!, new Dictionary<string, string?> { ["error"] = error, ["state"] = query["state"] }));
        }

        if (User is { } user)
        {
            return Approve(query, user);
        }

        var hidden = string.Concat(query.Select(p => $"<input type=\"hidden\" name=\"{WebUtility.HtmlEncode(p.Key)}\" value=\"{WebUtility.HtmlEncode(p.Value.ToString())}\">"));
        return Results.Content($"""
            <!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>Fake IdP</title></head><body>
            <form method="post" action="/authorize">{hidden}<label for="login-email">E-mail</label><input id="login-email" name="login_email" type="email">
            <button id="approve" type="submit">Sign in</button></form></body></html>
            """, "text/html; charset=utf-8");
    }

    private async Task<IResult> AuthorizeFormAsync(HttpRequest request)
    {
        var form = await request.ReadFormAsync();
        return Approve(new QueryCollection(form.ToDictionary(p => p.Key, p => p.Value)), new FakeOidcUser(form["login_email"].ToString()));
    }

    private Microsoft.AspNetCore.Http.HttpResults.RedirectHttpResult Approve(IQueryCollection query, FakeOidcUser user)
    {
        var code = WebEncoders.Base64UrlEncode(RandomNumberGenerator.GetBytes(24));
        _codes[code] = new Grant(user, query["redirect_uri"]!, query["code_challenge"]!, query["nonce"].ToString());
        return TypedResults.Redirect(QueryHelpers.AddQueryString(query["redirect_uri"]!,
            new Dictionary<string, string?> { ["code"] = code, ["state"] = query["state"], ["iss"] = Issuer }));
    }

    private async Task<IResult> TokenAsync(HttpRequest request)
    {
        Interlocked.Increment(ref _tokenCalls);
        var form = await request.ReadFormAsync();
        var (clientId, secret) = ClientOf(request, form);
        // A code is used up by its first redemption, whatever else is wrong with the request.
        _codes.TryRemove(form["code"].ToString(), out var grant);
        var refusal = form["grant_type"] != "authorization_code" ? "unsupported_grant_type"
            : clientId != ClientId || secret != ClientSecret ? "invalid_client"
            : grant is null ? "invalid_grant: unknown or used code"
            : grant.RedirectUri != form["redirect_uri"] ? "invalid_grant: redirect_uri differs"
            : Challenge(form["code_verifier"].ToString()) != grant.CodeChallenge ? "invalid_grant: PKCE verifier does not match"
            : null;
        if (refusal is not null || grant is null)
        {
            LastTokenRefusal = refusal;
            return Results.Json(new { error = refusal!.Split(':')[0] }, statusCode: StatusCodes.Status400BadRequest);
        }

        var idToken = IdToken(grant);
        IssuedIdTokens.Add(idToken);
        return Results.Json(new { access_token = WebEncoders.Base64UrlEncode(RandomNumberGenerator.GetBytes(24)), token_type = "Bearer", expires_in = 300, id_token = idToken });
    }

    private string IdToken(Grant grant)
    {
        var claims = new Dictionary<string, object> { ["email"] = grant.User.Email, ["nonce"] = grant.Nonce };
        if (grant.User.EmailVerified is { } verified)
        {
            claims["email_verified"] = verified;
        }

        var now = DateTime.UtcNow;
        return new JsonWebTokenHandler().CreateToken(new SecurityTokenDescriptor
        {
            Issuer = Issuer,
            Audience = ClientId,
            Subject = new ClaimsIdentity([new Claim("sub", grant.User.Subject)]),
            Claims = claims,
            IssuedAt = now,
            NotBefore = now,
            Expires = now.AddMinutes(5),
            SigningCredentials = new SigningCredentials(new RsaSecurityKey(_key) { KeyId = _keyId }, SecurityAlgorithms.RsaSha256),
        });
    }

    private static int FreePort()
    {
        using var probe = new System.Net.Sockets.TcpListener(IPAddress.Loopback, 0);
        probe.Start();
        return ((IPEndPoint)probe.LocalEndpoint).Port;
    }

    // client_secret_post, or client_secret_basic (RFC 6749 §2.3.1: each part form-encoded before base64).
    private static (string? Id, string? Secret) ClientOf(HttpRequest request, IFormCollection form)
    {
        var header = request.Headers.Authorization.ToString();
        if (header.StartsWith("Basic ", StringComparison.Ordinal))
        {
            var pair = Encoding.UTF8.GetString(Convert.FromBase64String(header[6..])).Split(':', 2);
            return (WebUtility.UrlDecode(pair[0]), WebUtility.UrlDecode(pair.ElementAtOrDefault(1)));
        }

        return (form["client_id"], form["client_secret"]);
    }

    private static string Challenge(string verifier) => WebEncoders.Base64UrlEncode(SHA256.HashData(Encoding.ASCII.GetBytes(verifier)));

    private sealed record Grant(FakeOidcUser User, string RedirectUri, string CodeChallenge, string Nonce);
}
