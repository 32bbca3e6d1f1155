using System.Text.Json.Nodes;
using Latchkey.Server.Audit;
using Latchkey.Server.Dashboard.Pages;
using QRCoder;

namespace Latchkey.Server.Dashboard.Mfa;

/// <summary>
/// Account security, the signed-in user's own page: set up an authenticator app (its secret shown as a QR code, the
/// otpauth:// URI and base32, confirmed with a code, then ten recovery codes shown once), or remove it.
/// </summary>
public static class AccountSecurityPages
{
    public const string Path = "/dashboard/account/security";
    private const string Issuer = "Latchkey";

    public static async Task<IResult> ShowAsync(HttpContext http, DashboardContexts contexts, MfaFactors factors, PasskeyStore passkeys, CancellationToken cancellationToken)
    {
        var ctx = await contexts.ForAccountAsync(http, cancellationToken);
        var notice = http.Request.Query["done"].ToString();
        return await RenderAsync(ctx with { Notice = notice.Length > 0 ? notice : MustEnrolNotice(ctx) }, factors, passkeys, new Extras(), cancellationToken);
    }

    public static async Task<IResult> StartTotpAsync(IFormCollection form, HttpContext http, DashboardContexts contexts, MfaFactors factors, PasskeyStore passkeys, CancellationToken cancellationToken)
    {
        var ctx = await contexts.ForAccountAsync(http, cancellationToken);
        var secret = await factors.StartTotpAsync(ctx.User.Id, cancellationToken);
        return secret is null
            ? await RenderAsync(ctx with { Problem = "An authenticator app is already set up. Remove it first to set up another." }, factors, passkeys, new Extras(), cancellationToken, StatusCodes.Status400BadRequest)
            : await RenderAsync(ctx, factors, passkeys, new Extras { Enrolment = Enrolment(ctx.Email, secret) }, cancellationToken);
    }

    public static async Task<IResult> ConfirmTotpAsync(IFormCollection form, HttpContext http, DashboardContexts contexts, MfaFactors factors, PasskeyStore passkeys,
        AuditTrail audit, CancellationToken cancellationToken)
    {
        var ctx = await contexts.ForAccountAsync(http, cancellationToken);
        var codes = await factors.ConfirmTotpAsync(ctx.User.Id, form["code"].ToString(), cancellationToken);
        if (codes is null)
        {
            var pending = await factors.PendingTotpAsync(ctx.User.Id, cancellationToken);
            return await RenderAsync(ctx with { Problem = pending is null ? "Start the setup again." : "That code is not right. Type the code your app shows now." },
                factors, passkeys, new Extras { Enrolment = pending is null ? null : Enrolment(ctx.Email, pending) }, cancellationToken, StatusCodes.Status400BadRequest);
        }

        await audit.RecordAsync(ctx.Actor, AuditActions.MfaEnrolled, null, ctx.Email, new JsonObject { ["factor"] = "totp" }, cancellationToken);
        var enrolled = ctx with { Notice = "Your authenticator app is set up: logins now ask for its code.", User = ctx.User with { MustEnrolMfa = false } };
        return await RenderAsync(enrolled, factors, passkeys, new Extras { RecoveryCodes = codes }, cancellationToken);
    }

    public static async Task<IResult> RemoveTotpAsync(IFormCollection form, HttpContext http, DashboardContexts contexts, MfaFactors factors, PasskeyStore passkeys,
        AuditTrail audit, CancellationToken cancellationToken)
    {
        var ctx = await contexts.ForAccountAsync(http, cancellationToken);
        await factors.RemoveTotpAsync(ctx.User.Id, cancellationToken);
        await audit.RecordAsync(ctx.Actor, AuditActions.MfaRemoved, null, ctx.Email, new JsonObject { ["factor"] = "totp" }, cancellationToken);
        return Results.Redirect(Path + "?done=" + Uri.EscapeDataString("The authenticator app and its recovery codes are removed."));
    }

    internal static string? MustEnrolNotice(DashboardContext ctx) =>
        ctx.User.MustEnrolMfa ? "An administrator requires a second factor for everyone: set one up to use the dashboard." : null;

    private static AccountSecurityPage.Enrolment Enrolment(string email, byte[] secret)
    {
        var uri = TotpCode.Uri(Issuer, email, secret);
        using var generator = new QRCodeGenerator();
        using var data = generator.CreateQrCode(uri, QRCodeGenerator.ECCLevel.M);
        var png = new PngByteQRCode(data).GetGraphic(5);
        return new AccountSecurityPage.Enrolment(TotpCode.Base32(secret), uri, "data:image/png;base64," + Convert.ToBase64String(png));
    }

    /// <summary>What the page shows besides the user's factors: a setup in progress, or recovery codes shown once.</summary>
    internal sealed record Extras
    {
        public AccountSecurityPage.Enrolment? Enrolment { get; init; }

        public AccountSecurityPage.Registration? Registration { get; init; }

        public IReadOnlyList<string>? RecoveryCodes { get; init; }
    }

    internal static async Task<IResult> RenderAsync(DashboardContext ctx, MfaFactors factors, PasskeyStore passkeys, Extras extras, CancellationToken cancellationToken,
        int status = StatusCodes.Status200OK) =>
        DashboardAccess.Page<AccountSecurityPage>(ctx, new AccountSecurityPage.View(await factors.StatusAsync(ctx.User.Id, cancellationToken),
            await passkeys.ListAsync(ctx.User.Id, cancellationToken), extras.Enrolment, extras.Registration, extras.RecoveryCodes), status);
}
