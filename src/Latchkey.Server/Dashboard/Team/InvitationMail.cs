using MailKit.Net.Smtp;
using MailKit.Security;
using Microsoft.Extensions.Options;
using MimeKit;

namespace Latchkey.Server.Dashboard.Team;

/// <summary>SMTP settings for invitation e-mails; without <c>LATCHKEY_SMTP_HOST</c> nothing is sent and the link is only shown.</summary>
public sealed class SmtpOptions
{
    /// <summary><c>LATCHKEY_SMTP_HOST</c>: the relay to send invitations through.</summary>
    public string? Host { get; set; }

    /// <summary><c>LATCHKEY_SMTP_PORT</c> (default 587).</summary>
    public int Port { get; set; } = 587;

    /// <summary><c>LATCHKEY_SMTP_TLS</c>: <c>starttls</c> (default), <c>tls</c> (implicit, usually port 465) or <c>none</c> (a relay on the same host only).</summary>
    public string Tls { get; set; } = "starttls";

    /// <summary><c>LATCHKEY_SMTP_USERNAME</c> and <c>LATCHKEY_SMTP_PASSWORD</c>, when the relay wants a login.</summary>
    public string? Username { get; set; }

    public string? Password { get; set; }

    /// <summary><c>LATCHKEY_SMTP_FROM</c>: the sender address (required with a host).</summary>
    public string? From { get; set; }

    public bool Enabled => !string.IsNullOrWhiteSpace(Host);

    public override string ToString() => $"SmtpOptions {{ Host = {Host}, Port = {Port}, Tls = {Tls}, Username = {Username}, [password redacted] }}";
}

/// <summary>
/// Sends an invitation link by e-mail with MailKit, when SMTP is configured. A failure is reported back (the page
/// still shows the link to hand over another way), never thrown, and the link is never logged.
/// </summary>
public sealed partial class InvitationMail(IOptions<SmtpOptions> options, ILogger<InvitationMail> logger)
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(15);

    public bool Enabled => options.Value.Enabled;

    /// <summary>Null when sent, else why not (for the admin's page).</summary>
    public async Task<string?> SendAsync(string to, string link, DateTimeOffset expiresAt, string invitedBy, CancellationToken cancellationToken)
    {
        var smtp = options.Value;
        var message = new MimeMessage();
        message.From.Add(MailboxAddress.Parse(smtp.From!));
        message.To.Add(MailboxAddress.Parse(to));
        message.Subject = "Your invitation to the Latchkey dashboard";
        message.Body = new TextPart("plain")
        {
            Text = $"""
                {invitedBy} invited you to the Latchkey dashboard.

                Choose your password here (the link works once, until {expiresAt:yyyy-MM-dd HH:mm} UTC):
                {link}
                """,
        };

        using var client = new SmtpClient { Timeout = (int)Timeout.TotalMilliseconds };
        try
        {
            var security = smtp.Tls switch
            {
                "tls" => SecureSocketOptions.SslOnConnect,
                "none" => SecureSocketOptions.None,
                _ => SecureSocketOptions.StartTls,
            };
            await client.ConnectAsync(smtp.Host!, smtp.Port, security, cancellationToken);
            if (!string.IsNullOrEmpty(smtp.Username))
            {
                await client.AuthenticateAsync(smtp.Username, smtp.Password ?? "", cancellationToken);
            }

            await client.SendAsync(message, cancellationToken);
            await client.DisconnectAsync(quit: true, cancellationToken);
            return null;
        }
        catch (Exception exception) when (exception is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            LogFailed(logger, smtp.Host!, smtp.Port, exception.GetType().Name, exception.Message);
            return $"The invitation e-mail could not be sent ({exception.Message}): send the link below yourself.";
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Invitation e-mail not sent through {Host}:{Port}: {Error}: {Reason}")]
    private static partial void LogFailed(ILogger logger, string host, int port, string error, string reason);
}
