using System.Data.Common;
using System.Security.Claims;
using System.Security.Cryptography;
using System.Text;
using Dapper;
using Latchkey.Server.Dashboard.Mfa;
using Latchkey.Server.Dashboard.Team;
using Latchkey.Server.Storage;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.WebUtilities;

namespace Latchkey.Server.Dashboard;

/// <summary>
/// Server-side dashboard sessions. The login cookie (Data Protection, keys in the database) names a session; every
/// dashboard request checks its row, uncached, so a deleted row (logout, password change) ends the session at once on
/// every instance. The row holds the SHA-256 of the id, never the id.
/// </summary>
public sealed class DashboardSessions(Database database, TimeProvider clock)
{
    public const string ClaimType = "latchkey:dashboard-session";

    /// <summary>A session unused this long is over (the cookie slides as long; the row decides).</summary>
    public static readonly TimeSpan IdleLifetime = TimeSpan.FromHours(8);

    // A used session's row is touched at most this often, so browsing does not write on every page.
    private static readonly TimeSpan TouchEvery = TimeSpan.FromMinutes(1);

    public async Task<string> StartAsync(string email, CancellationToken cancellationToken)
    {
        var id = WebEncoders.Base64UrlEncode(RandomNumberGenerator.GetBytes(32));
        var now = clock.GetUtcNow().ToUnixTimeMilliseconds();
        var stale = now - (long)IdleLifetime.TotalMilliseconds;
        await using var connection = await database.OpenAsync(cancellationToken);
        await connection.ExecuteAsync(new CommandDefinition(
            "DELETE FROM dashboard_sessions WHERE last_seen_at < @stale", new { stale }, cancellationToken: cancellationToken));
        await connection.ExecuteAsync(new CommandDefinition(
            "INSERT INTO dashboard_sessions (id_hash, email, created_at, last_seen_at) VALUES (@hash, @email, @now, @now)",
            new { hash = Hash(id), email, now }, cancellationToken: cancellationToken));
        return id;
    }

    /// <summary>Starts a session for a user already checked and sets the login cookie naming it (single sign-on's last step).</summary>
    public async Task SignInAsync(HttpContext http, string email, CancellationToken cancellationToken)
    {
        var session = await StartAsync(email, cancellationToken);
        var identity = new ClaimsIdentity(
            [new Claim(ClaimTypes.Email, email), new Claim(ClaimTypes.Name, email), new Claim(ClaimType, session)], DashboardFeature.Scheme);
        await http.SignInAsync(DashboardFeature.Scheme, new ClaimsPrincipal(identity));
    }

    /// <summary>The session's e-mail when it still exists and has been used within <see cref="IdleLifetime"/>, else null.</summary>
    public async Task<string?> FindLiveAsync(string id, CancellationToken cancellationToken)
    {
        var hash = Hash(id);
        var now = clock.GetUtcNow().ToUnixTimeMilliseconds();
        await using var connection = await database.OpenAsync(cancellationToken);
        var row = await connection.QuerySingleOrDefaultAsync<SessionRow>(new CommandDefinition(
            "SELECT email AS Email, last_seen_at AS LastSeenAt FROM dashboard_sessions WHERE id_hash = @hash", new { hash }, cancellationToken: cancellationToken));
        if (row is null || now - row.LastSeenAt > IdleLifetime.TotalMilliseconds)
        {
            return null;
        }

        var seen = row.LastSeenAt;

        if (now - seen > TouchEvery.TotalMilliseconds)
        {
            await connection.ExecuteAsync(new CommandDefinition(
                "UPDATE dashboard_sessions SET last_seen_at = @now WHERE id_hash = @hash", new { hash, now }, cancellationToken: cancellationToken));
        }

        return row.Email;
    }

    public async Task EndAsync(string id, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        await connection.ExecuteAsync(new CommandDefinition(
            "DELETE FROM dashboard_sessions WHERE id_hash = @hash", new { hash = Hash(id) }, cancellationToken: cancellationToken));
    }

    /// <summary>Ends every session of a user, inside the caller's transaction (a password change, disabling, removal).</summary>
    internal static Task EndAllAsync(DbConnection connection, DbTransaction transaction, string email, CancellationToken cancellationToken) =>
        connection.ExecuteAsync(new CommandDefinition(
            "DELETE FROM dashboard_sessions WHERE email = @email", new { email }, transaction, cancellationToken: cancellationToken));

    /// <summary>
    /// The cookie handler's check on every authenticated dashboard request: the session row is live and its user is
    /// enabled; the user, with their roles as they are now, is attached to the request.
    /// </summary>
    public static async Task ValidateAsync(CookieValidatePrincipalContext context)
    {
        var http = context.HttpContext;
        var id = context.Principal?.FindFirst(ClaimType)?.Value;
        var sessions = http.RequestServices.GetRequiredService<DashboardSessions>();
        var email = id is null ? null : await sessions.FindLiveAsync(id, http.RequestAborted);
        var user = email is null ? null : await http.RequestServices.GetRequiredService<UserStore>().FindActiveAsync(email, http.RequestAborted);
        if (user is null)
        {
            context.RejectPrincipal();
            await http.SignOutAsync(DashboardFeature.Scheme);
            return;
        }

        var mfa = http.RequestServices.GetRequiredService<MfaPolicy>();
        (user with { MustEnrolMfa = await mfa.MustEnrolAsync(user.Id, http.RequestAborted) }).Attach(http);
    }

    private sealed record SessionRow
    {
        public required string Email { get; init; }

        public long LastSeenAt { get; init; }
    }

    private static string Hash(string id) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(id)));
}
