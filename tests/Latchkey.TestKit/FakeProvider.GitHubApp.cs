using System.Net;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.WebUtilities;

namespace Latchkey.TestKit;

/// <summary>
/// A fake GitHub for GitHub Apps: an installation page per app that sends the browser to the app's setup URL with
/// <c>installation_id</c>, <c>setup_action</c> and the <c>state</c> it was given (plus a user <c>code</c> for the app
/// that requests user authorization during installation, exchanged at the ordinary <c>/oauth/token</c>), and
/// <c>POST /github/app/installations/{id}/access_tokens</c>, which verifies the RS256 app JWT with the app's public key
/// (signature, <c>iss</c>, <c>exp</c>, a lifetime of at most ten minutes) before it issues a short-lived token.
/// </summary>
public sealed partial class FakeProvider
{
    public const string GitHubAppId = "424242";
    public const string GitHubAppSlug = "latchkey-fake-app";
    public const string GitHubOAuthAppSlug = "latchkey-fake-app-oauth";
    public const string GitHubInstallationId = "31337";

    // GitHub: exp no more than 10 minutes after now; iat may be set 60 seconds back against clock drift.
    private static readonly TimeSpan LongestJwtLifetime = TimeSpan.FromMinutes(11);

    private readonly RSA _appKey = RSA.Create(2048);
    private int _installationTokenCalls;

    /// <summary>The app's private key as GitHub hands it out (PKCS#1 PEM, "BEGIN RSA PRIVATE KEY").</summary>
    public string GitHubAppPrivateKey => _appKey.ExportRSAPrivateKeyPem();

    /// <summary>The app's public page (an integration's <c>app_link</c>).</summary>
    public string GitHubAppLink => $"{BaseUrl}/github/apps/{GitHubAppSlug}";

    /// <summary>The public page of the app that requests user authorization during installation.</summary>
    public string GitHubOAuthAppLink => $"{BaseUrl}/github/apps/{GitHubOAuthAppSlug}";

    /// <summary>The app's setup URL registered at GitHub: where the installation page sends the browser.</summary>
    public string? GitHubAppCallbackUrl { get; set; }

    /// <summary>What the installation page reports: <c>install</c>, <c>update</c> or <c>request</c> (awaiting an owner).</summary>
    public string GitHubSetupAction { get; set; } = "install";

    /// <summary>When false, the app requesting user authorization comes back without a <c>code</c>.</summary>
    public bool GitHubSendsCode { get; set; } = true;

    public int InstallationTokenLifetimeSeconds { get; set; } = 3600;

    public int InstallationTokenCalls => _installationTokenCalls;

    /// <summary>The last app JWT that was accepted, and its claims.</summary>
    public string? LastAppJwt { get; private set; }

    public JsonObject? LastAppJwtClaims { get; private set; }

    public string? CurrentInstallationTokenOrNull { get; private set; }

    private void MapGitHubApp(WebApplication app)
    {
        app.MapGet("/github/apps/{slug}/installations/new", InstallationPage);
        app.MapPost("/github/app/installations/{installationId}/access_tokens", InstallationToken);
    }

    private IResult InstallationPage(string slug, HttpRequest request)
    {
        if (GitHubAppCallbackUrl is null || slug is not (GitHubAppSlug or GitHubOAuthAppSlug))
        {
            return Results.NotFound("no such app, or its setup URL is not set");
        }

        var parameters = new Dictionary<string, string?> { ["state"] = request.Query["state"].ToString(), ["setup_action"] = GitHubSetupAction };
        if (GitHubSetupAction != "request")
        {
            // A request awaiting an owner's approval has no installation yet.
            parameters["installation_id"] = GitHubInstallationId;
        }

        if (slug == GitHubOAuthAppSlug && GitHubSendsCode)
        {
            var code = Secret("code");
            _codes[code] = new AuthorizationGrant(GitHubAppCallbackUrl, "", "");
            parameters["code"] = code;
        }

        return Results.Redirect(QueryHelpers.AddQueryString(GitHubAppCallbackUrl, parameters));
    }

    private IResult InstallationToken(string installationId, HttpRequest request)
    {
        Interlocked.Increment(ref _installationTokenCalls);
        var authorization = request.Headers.Authorization.ToString();
        var jwt = authorization.StartsWith("Bearer ", StringComparison.Ordinal) ? authorization[7..] : "";
        if (VerifyAppJwt(jwt) is not { } claims)
        {
            // GitHub's answer to a JWT it cannot verify.
            return Results.Json(new { message = "A JSON web token could not be decoded" }, statusCode: (int)HttpStatusCode.Unauthorized);
        }

        if (installationId != GitHubInstallationId)
        {
            return Results.Json(new { message = "Not Found" }, statusCode: (int)HttpStatusCode.NotFound);
        }

        LastAppJwt = jwt;
        LastAppJwtClaims = claims;
        CurrentInstallationTokenOrNull = Secret("ghs");
        var expiresAt = DateTimeOffset.UtcNow.AddSeconds(InstallationTokenLifetimeSeconds);
        return Results.Json(new
        {
            token = CurrentInstallationTokenOrNull,
            expires_at = expiresAt.ToString("yyyy-MM-ddTHH:mm:ssZ", System.Globalization.CultureInfo.InvariantCulture),
            permissions = new { contents = "read", metadata = "read" },
            repository_selection = "all",
        }, statusCode: (int)HttpStatusCode.Created);
    }

    // Signature with the app's public key, RS256, iss = the app id, not expired, and not longer-lived than GitHub allows.
    private JsonObject? VerifyAppJwt(string jwt)
    {
        var parts = jwt.Split('.');
        if (parts.Length != 3)
        {
            return null;
        }

        try
        {
            var header = JsonNode.Parse(WebEncoders.Base64UrlDecode(parts[0])) as JsonObject;
            var claims = JsonNode.Parse(WebEncoders.Base64UrlDecode(parts[1])) as JsonObject;
            var signed = _appKey.VerifyData(Encoding.ASCII.GetBytes($"{parts[0]}.{parts[1]}"), WebEncoders.Base64UrlDecode(parts[2]),
                HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
            var issuedAt = claims?["iat"]?.GetValue<long>() ?? 0;
            var expires = claims?["exp"]?.GetValue<long>() ?? 0;
            var valid = signed && header?["alg"]?.ToString() == "RS256" && claims?["iss"]?.ToString() == GitHubAppId
                && expires > DateTimeOffset.UtcNow.ToUnixTimeSeconds() && expires - issuedAt <= LongestJwtLifetime.TotalSeconds;
            return valid ? claims : null;
        }
        catch (Exception exception) when (exception is FormatException or System.Text.Json.JsonException or InvalidOperationException)
        {
            return null;
        }
    }
}
