using System.Net;
using static Latchkey.Server.Tests.Dashboard.DashboardTeam;

namespace Latchkey.Server.Tests.Dashboard;

/// <summary>With LATCHKEY_SMTP_* set, an invitation is also e-mailed; a relay that refuses leaves the link on the page.</summary>
public sealed class DashboardInvitationMailTests
{
    [Fact]
    public async Task Invite_WithSmtp_EmailsTheLink_ThatThenWorks()
    {
        await using var smtp = new FakeSmtpServer();
        await using var app = await Server.StartAsync(WithSmtp(smtp));
        using var admin = await AdminAsync(app);

        var page = await (await InviteAsync(admin, "mailed@example.com", "developer", null)).Content.ReadAsStringAsync(Server.Cancellation);
        var mail = Assert.Single(smtp.Received);
        var link = LinkIn(page);

        Assert.Contains("The link was e-mailed to mailed@example.com.", page, StringComparison.Ordinal);
        Assert.Equal(["<mailed@example.com>"], mail.To);
        Assert.Equal("<latchkey@example.com>", mail.From);
        Assert.Contains("Subject: Your invitation to the Latchkey dashboard", mail.Data, StringComparison.Ordinal);
        Assert.Contains(link, mail.Data.Replace("=\r\n", "", StringComparison.Ordinal), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.Redirect, (await AcceptAsync(app, link)).StatusCode);
        Assert.DoesNotContain(app.Logs.Lines, line => line.Contains(link, StringComparison.Ordinal));
    }

    [Fact]
    public async Task Invite_WhenTheRelayRefuses_StillShowsTheLink_AndSaysTheMailFailed()
    {
        await using var smtp = new FakeSmtpServer { Refuse = true };
        await using var app = await Server.StartAsync(WithSmtp(smtp));
        using var admin = await AdminAsync(app);

        var response = await InviteAsync(admin, "unlucky@example.com", "support", null);
        var page = await response.Content.ReadAsStringAsync(Server.Cancellation);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains("could not be sent", page, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.Redirect, (await AcceptAsync(app, LinkIn(page))).StatusCode);
    }

    [Fact]
    public async Task SmtpHost_WithoutASender_StopsStartUp()
    {
        var refused = await Assert.ThrowsAnyAsync<Exception>(() => Server.StartAsync(new Dictionary<string, string?>(Admin) { ["LATCHKEY_SMTP_HOST"] = "127.0.0.1" }));

        Assert.Contains("LATCHKEY_SMTP_FROM", refused.Message, StringComparison.Ordinal);
    }

    private static Dictionary<string, string?> WithSmtp(FakeSmtpServer smtp) => new(Admin)
    {
        ["LATCHKEY_SMTP_HOST"] = "127.0.0.1",
        ["LATCHKEY_SMTP_PORT"] = smtp.Port.ToString(System.Globalization.CultureInfo.InvariantCulture),
        ["LATCHKEY_SMTP_TLS"] = "none",
        ["LATCHKEY_SMTP_FROM"] = "latchkey@example.com",
    };
}
