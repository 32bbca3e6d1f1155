using System.Text.RegularExpressions;

namespace Latchkey.Server.Tests.Architecture;

/// <summary>
/// One owner per table (docs/architecture.md): only the owning feature's code writes a table; others ask the owner.
/// Read from the server's source, the SQL being text. The one exception is <c>keys rewrap</c> (Vault/KeyCommands.cs),
/// which re-seals every sealed column in place through the column list of Vault/SealedColumns.cs.
/// </summary>
public sealed partial class TableOwnerTests
{
    private static readonly Dictionary<string, string> Owners = new(StringComparer.Ordinal)
    {
        ["accounts"] = "Environments",
        ["environments"] = "Environments",
        ["connect_sessions"] = "ConnectSessions",
        ["integrations"] = "Integrations",
        ["mcp_clients"] = "Integrations",
        ["connections"] = "Connections",
        ["connection_tags"] = "Connections",
        ["connection_fetches"] = "Connections",
        ["end_users"] = "Connections",
        ["oauth_sessions"] = "OAuth",
        ["auth_logs"] = "Logs",
        ["audit_entries"] = "Audit",
        ["webhook_deliveries"] = "Webhooks",
        ["webhook_attempts"] = "Webhooks",
        ["dashboard_admins"] = "Dashboard", // dropped by migration 51, its rows moved to dashboard_users
        ["dashboard_users"] = "Dashboard",
        ["dashboard_user_roles"] = "Dashboard",
        ["dashboard_invitations"] = "Dashboard",
        ["dashboard_sessions"] = "Dashboard",
        ["dashboard_totp"] = "Dashboard",
        ["dashboard_recovery_codes"] = "Dashboard",
        ["dashboard_mfa_challenges"] = "Dashboard",
        ["dashboard_settings"] = "Dashboard",
        ["dashboard_passkeys"] = "Dashboard",
        ["dashboard_webauthn_ceremonies"] = "Dashboard",
        ["data_protection_keys"] = "Vault",
        ["vault_key_checks"] = "Vault",
    };

    private static readonly string ServerFolder = RepositoryFiles.PathOf("src", "Latchkey.Server");

    [Fact]
    public void EveryTableOfTheMigrations_HasAnOwner()
    {
        var created = Directory.GetFiles(Path.Combine(ServerFolder, "Storage", "Migrations"), "*.cs")
            .SelectMany(file => CreatedTable().Matches(File.ReadAllText(file)).Select(match => match.Groups[1].Value))
            .ToHashSet(StringComparer.Ordinal);

        Assert.Equal(created.Order(StringComparer.Ordinal), Owners.Keys.Order(StringComparer.Ordinal));
    }

    [Fact]
    public void EveryWrite_IsMadeByTheTablesOwner()
    {
        var writes = Directory.GetFiles(ServerFolder, "*.cs", SearchOption.AllDirectories)
            .Where(file => !file.Contains($"{Path.DirectorySeparatorChar}obj{Path.DirectorySeparatorChar}", StringComparison.Ordinal))
            .Where(file => !file.Contains(Path.Combine("Storage", "Migrations"), StringComparison.Ordinal))
            .SelectMany(file => Write().Matches(File.ReadAllText(file)).Select(match =>
                (Folder: Path.GetRelativePath(ServerFolder, file).Split(Path.DirectorySeparatorChar)[0], Table: match.Groups[1].Value, File: file)))
            .ToList();

        Assert.NotEmpty(writes);
        var strangers = writes.Where(write => !Owners.TryGetValue(write.Table, out var owner) || owner != write.Folder)
            .Select(write => $"{Path.GetRelativePath(ServerFolder, write.File)} writes {write.Table}");
        Assert.Empty(strangers);
    }

    [GeneratedRegex(@"Create\.Table\(""([a-z_]+)""\)")]
    private static partial Regex CreatedTable();

    // Upserts (ON CONFLICT … DO UPDATE SET) write the table their INSERT names, so the INSERT is what counts.
    [GeneratedRegex(@"\b(?:INSERT INTO|UPDATE|DELETE FROM)\s+([a-z_]+)\b")]
    private static partial Regex Write();
}
