namespace Latchkey.Server.Audit;

/// <summary>The kinds of change the audit trail records, as stored and filtered (<c>GET /audit?action=</c>).</summary>
public static class AuditActions
{
    public const string IntegrationCreated = "integration.created";
    public const string IntegrationUpdated = "integration.updated";
    public const string IntegrationDeleted = "integration.deleted";
    public const string IntegrationCredentialsRevealed = "integration.credentials_revealed";
    public const string ConnectionDeleted = "connection.deleted";
    public const string CredentialsRevealed = "connection.credentials_revealed";
    public const string ConnectLinkCreated = "connect_link.created";
    public const string SettingsUpdated = "settings.updated";
    public const string SecretKeyRotated = "secret_key.rotated";
    public const string SecretKeyRevealed = "secret_key.revealed";
    public const string SigningKeyRotated = "webhook_signing_key.rotated";
    public const string SigningKeyRemoved = "webhook_signing_key.removed";
    public const string WebhookRedelivered = "webhook.redelivered";
    public const string UserInvited = "user.invited";
    public const string UserInvitationRenewed = "user.invitation_renewed";
    public const string UserJoined = "user.joined";
    public const string UserRolesChanged = "user.roles_changed";
    public const string UserDisabled = "user.disabled";
    public const string UserEnabled = "user.enabled";
    public const string UserRemoved = "user.removed";
    public const string LoginSucceeded = "login.succeeded";
    public const string LoginFailed = "login.failed";
    public const string Logout = "logout";
    public const string SsoLoginSucceeded = "login.sso_succeeded";
    public const string SsoLoginRefused = "login.sso_refused";
    public const string UserCreatedBySso = "user.created_by_sso";
    public const string MfaEnrolled = "mfa.enrolled";
    public const string MfaRemoved = "mfa.removed";
    public const string MfaReset = "mfa.reset";
    public const string MfaRecoveryCodeUsed = "mfa.recovery_code_used";
    public const string MfaLoginFailed = "mfa.login_failed";
    public const string MfaRequirementChanged = "mfa.requirement_changed";

    public static readonly IReadOnlyList<string> All =
    [
        IntegrationCreated, IntegrationUpdated, IntegrationDeleted, IntegrationCredentialsRevealed, ConnectionDeleted, CredentialsRevealed,
        ConnectLinkCreated, SettingsUpdated, SecretKeyRotated, SecretKeyRevealed, SigningKeyRotated, SigningKeyRemoved, WebhookRedelivered,
        UserInvited, UserInvitationRenewed, UserJoined, UserRolesChanged, UserDisabled, UserEnabled, UserRemoved, LoginSucceeded, LoginFailed, Logout,
        SsoLoginSucceeded, SsoLoginRefused, UserCreatedBySso,
        MfaEnrolled, MfaRemoved, MfaReset, MfaRecoveryCodeUsed, MfaLoginFailed, MfaRequirementChanged,
    ];
}
