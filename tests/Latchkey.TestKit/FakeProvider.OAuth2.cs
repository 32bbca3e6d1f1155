using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.WebUtilities;

namespace Latchkey.TestKit;

/// <summary>
/// The fake's OAuth 2 authorization server: an authorize endpoint that approves at once (or denies, when told to),
/// a token endpoint that checks client authentication, the redirect URI and the PKCE verifier, issues short-lived
/// access tokens and rotates refresh tokens, and client credentials.
/// </summary>
public sealed partial class FakeProvider
{
    public const string ClientId = "fake-client-id";
    public const string ClientSecret = "fake-client-secret-91d2";

    private readonly ConcurrentDictionary<string, AuthorizationGrant> _codes = new();
    private readonly ConcurrentQueue<string> _issued = new();
    private int _authorizeCalls;
    private int _codeExchanges;
    private int _refreshCalls;
    private int _refreshUrlCalls;
    private int _clientCredentialsCalls;
    private string? _currentRefreshToken;

    /// <summary>What the next authorize call does.</summary>
    public bool DenyConsent { get; set; }

    /// <summary>When true, authorize shows a page with an Approve link instead of approving at once.</summary>
    public bool ManualConsent { get; set; }

    /// <summary>When set, the authorize redirect carries this <c>iss</c> (RFC 9207).</summary>
    public string? IssuerToReturn { get; set; }

    /// <summary>When true, refresh-token grants fail with <c>invalid_grant</c>.</summary>
    public bool FailRefresh { get; set; }

    /// <summary>When set, the token endpoint is down: it answers this status with a plain-text page, as a failing gateway does.</summary>
    public int? TokenEndpointOutage { get; set; }

    /// <summary>Lifetime of issued access tokens.</summary>
    public int ExpiresInSeconds { get; set; } = 3600;

    /// <summary>Send <c>expires_in</c> as a string, as some providers do.</summary>
    public bool ExpiresInAsString { get; set; }

    /// <summary>Slows the token endpoint down, to widen race windows in concurrency tests.</summary>
    public TimeSpan TokenDelay { get; set; } = TimeSpan.Zero;

    public int AuthorizeCalls => _authorizeCalls;

    public int CodeExchanges => _codeExchanges;

    public int RefreshCalls => _refreshCalls;

    /// <summary>Token requests that arrived at the separate refresh endpoint.</summary>
    public int RefreshUrlCalls => _refreshUrlCalls;

    public int ClientCredentialsCalls => _clientCredentialsCalls;

    /// <summary>The last query string of an authorize call, to check what Latchkey sent.</summary>
    public IQueryCollection? LastAuthorizeQuery { get; private set; }

    /// <summary>The form of the last token call.</summary>
    public IReadOnlyDictionary<string, string>? LastTokenForm { get; private set; }

    /// <summary>The headers of the last call to <c>/oauth/token</c>, to check what <c>token_headers</c> added.</summary>
    public IReadOnlyDictionary<string, string>? LastTokenHeaders { get; private set; }

    /// <summary>Every code, access token and refresh token this fake issued: none may appear in a log.</summary>
    public IReadOnlyCollection<string> IssuedSecrets => _issued;

    public string? CurrentAccessTokenOrNull { get; private set; }

    /// <summary>Makes <paramref name="refreshToken"/> the one the token endpoint accepts, as if this fake had issued it (for imported connections).</summary>
    public void AcceptRefreshToken(string refreshToken)
    {
        _currentRefreshToken = refreshToken;
        _issued.Enqueue(refreshToken);
    }

    private void ResetOAuthCounters()
    {
        Interlocked.Exchange(ref _authorizeCalls, 0);
        Interlocked.Exchange(ref _codeExchanges, 0);
        Interlocked.Exchange(ref _refreshCalls, 0);
        Interlocked.Exchange(ref _refreshUrlCalls, 0);
        Interlocked.Exchange(ref _clientCredentialsCalls, 0);
        ResetMcpCounters();
    }

    private void MapOAuth2(WebApplication app)
    {
        app.MapGet("/oauth/authorize", Authorize);
        app.MapPost("/oauth/token", TokenAsync);

        // A provider whose refresh grant has its own endpoint (the catalog's refresh_url): same grants, counted apart.
        app.MapPost("/oauth/refresh", (HttpRequest request) =>
        {
            Interlocked.Increment(ref _refreshUrlCalls);
            return TokenAsync(request);
        });
    }

    private IResult Authorize(HttpRequest request)
    {
        Interlocked.Increment(ref _authorizeCalls);
        LastAuthorizeQuery = request.Query;
        var redirectUri = request.Query["redirect_uri"].ToString();
        var state = request.Query["state"].ToString();
        if (request.Query["client_id"] != ClientId || redirectUri.Length == 0)
        {
            return Results.BadRequest("unknown client or missing redirect_uri");
        }

        var parameters = new Dictionary<string, string?> { ["state"] = state };
        if (DenyConsent)
        {
            parameters["error"] = "access_denied";
            parameters["error_description"] = "The user denied the request";
        }
        else
        {
            var code = Secret("code");
            _codes[code] = new AuthorizationGrant(redirectUri, request.Query["code_challenge"].ToString(), request.Query["scope"].ToString());
            parameters["code"] = code;
        }

        if (IssuerToReturn is not null)
        {
            parameters["iss"] = IssuerToReturn;
        }

        var target = QueryHelpers.AddQueryString(redirectUri, parameters);
        return ManualConsent
            ? Results.Content($"<!doctype html><title>Fake consent</title><a id=approve href=\"{System.Net.WebUtility.HtmlEncode(target)}\">Approve</a>", "text/html")
            : Results.Redirect(target);
    }

    private async Task<IResult> TokenAsync(HttpRequest request)
    {
        if (TokenDelay > TimeSpan.Zero)
        {
            await Task.Delay(TokenDelay);
        }

        if (TokenEndpointOutage is { } outage)
        {
            return Results.Text("Service Unavailable", "text/plain", statusCode: outage);
        }

        var form = (await request.ReadFormAsync()).ToDictionary(pair => pair.Key, pair => pair.Value.ToString());
        LastTokenForm = form;
        LastTokenHeaders = request.Headers.ToDictionary(pair => pair.Key, pair => pair.Value.ToString(), StringComparer.OrdinalIgnoreCase);
        if (!ClientAuthenticated(request, form))
        {
            return Error("invalid_client", "client authentication failed", 401);
        }

        switch (form.GetValueOrDefault("grant_type"))
        {
            case "authorization_code":
                Interlocked.Increment(ref _codeExchanges);
                if (!_codes.TryRemove(form.GetValueOrDefault("code") ?? "", out var grant))
                {
                    return Error("invalid_grant", "unknown or used code");
                }

                if (grant.RedirectUri != form.GetValueOrDefault("redirect_uri"))
                {
                    return Error("invalid_grant", "redirect_uri differs from the authorize request");
                }

                if (grant.CodeChallenge.Length > 0 && grant.CodeChallenge != Challenge(form.GetValueOrDefault("code_verifier") ?? ""))
                {
                    return Error("invalid_grant", "PKCE verification failed");
                }

                return IssueTokens(grant.Scope, withRefreshToken: true);

            case "refresh_token":
                Interlocked.Increment(ref _refreshCalls);
                if (FailRefresh || form.GetValueOrDefault("refresh_token") != _currentRefreshToken)
                {
                    return Error("invalid_grant", "refresh token is invalid or was rotated");
                }

                return IssueTokens("", withRefreshToken: true);

            case "client_credentials":
                Interlocked.Increment(ref _clientCredentialsCalls);
                return IssueTokens(form.GetValueOrDefault("scope") ?? "", withRefreshToken: false);

            default:
                return Error("unsupported_grant_type", "unsupported grant_type");
        }
    }

    private IResult IssueTokens(string scope, bool withRefreshToken)
    {
        var accessToken = Secret("at");
        CurrentAccessTokenOrNull = accessToken;
        var body = new Dictionary<string, object?>
        {
            ["access_token"] = accessToken,
            ["token_type"] = "Bearer",
            ["expires_in"] = ExpiresInAsString ? ExpiresInSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture) : ExpiresInSeconds,
            ["scope"] = scope,
            ["team"] = new { id = "T-42", name = "Fake Team" },
        };
        if (withRefreshToken)
        {
            _currentRefreshToken = Secret("rt");
            body["refresh_token"] = _currentRefreshToken;
        }

        return Results.Json(body);
    }

    private static bool ClientAuthenticated(HttpRequest request, Dictionary<string, string> form)
    {
        var header = request.Headers.Authorization.ToString();
        if (header.StartsWith("Basic ", StringComparison.Ordinal))
        {
            var decoded = Encoding.UTF8.GetString(Convert.FromBase64String(header[6..]));
            var parts = decoded.Split(':', 2);
            return parts.Length == 2 && Uri.UnescapeDataString(parts[0].Replace('+', ' ')) == ClientId
                && Uri.UnescapeDataString(parts[1].Replace('+', ' ')) == ClientSecret;
        }

        return form.GetValueOrDefault("client_id") == ClientId && form.GetValueOrDefault("client_secret") == ClientSecret;
    }

    private string Secret(string prefix)
    {
        var value = $"{prefix}_{Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16))}";
        _issued.Enqueue(value);
        return value;
    }

    private static string Challenge(string verifier) =>
        Base64UrlTextEncoder.Encode(SHA256.HashData(Encoding.ASCII.GetBytes(verifier)));

    private static IResult Error(string error, string description, int status = 400) =>
        Results.Json(new { error, error_description = description }, statusCode: status);

    private sealed record AuthorizationGrant(string RedirectUri, string CodeChallenge, string Scope);
}
