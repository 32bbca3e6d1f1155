namespace Latchkey.Server.Vault;

/// <summary>
/// Every column that holds a sealed value, so key rotation can re-seal all of them. A feature that adds a sealed
/// column adds it here; the rewrap test fails for a sealed value this list misses.
/// </summary>
public static class SealedColumns
{
    /// <param name="Table">The table.</param>
    /// <param name="Name">The sealed column.</param>
    /// <param name="EnvironmentIdColumn">
    /// The column that holds the environment id bound into the associated data; null for a table that belongs to no
    /// environment, whose values bind 0.
    /// </param>
    public sealed record Column(string Table, string Name, string? EnvironmentIdColumn);

    public static readonly IReadOnlyList<Column> All =
    [
        new("environments", "secret_key_sealed", "id"),
        new("environments", "webhook_signing_key_sealed", "id"),
        new("integrations", "client_secret_sealed", "environment_id"),
        new("integrations", "webhook_secret_sealed", "environment_id"),
        new("integrations", "private_key_sealed", "environment_id"),
        new("integrations", "config_sealed", "environment_id"),
        new("connections", "credentials_sealed", "environment_id"),
        new("oauth_sessions", "secrets_sealed", "environment_id"),
        new("mcp_clients", "client_secret_sealed", "environment_id"),
        new("data_protection_keys", "xml_sealed", null),
        new("dashboard_totp", "secret_sealed", null),
    ];
}
