namespace Latchkey.Server.Environments;

public sealed class EnvironmentsOptions
{
    /// <summary><c>LATCHKEY_SECRET_KEY_DEV</c>: the dev secret key, for scripts and CI. When set it wins at every start.</summary>
    public string? SecretKeyDev { get; set; }

    /// <summary><c>LATCHKEY_SECRET_KEY_PROD</c>: the prod secret key, likewise.</summary>
    public string? SecretKeyProd { get; set; }

    /// <summary><c>LATCHKEY_CONNECTION_LIMIT</c>: live connections allowed per environment (unset: no limit).</summary>
    public int? ConnectionLimit { get; set; }

    /// <summary>
    /// <c>LATCHKEY_SESSION_MAX_CONNECTIONS</c>: connections one connect session may create (default 10). A session token
    /// sits in an end user's browser for its whole lifetime; without a cap it could fill the environment.
    /// Re-authorising an existing connection does not count.
    /// </summary>
    public int SessionConnectionLimit { get; set; } = 10;
}
