using ArchUnitNET.Loader;
using ArchUnitNET.xUnitV3;
using static ArchUnitNET.Fluent.ArchRuleDefinition;

namespace Latchkey.Server.Tests.Architecture;

/// <summary>
/// The layers of docs/architecture.md, checked on the compiled server: a feature folder uses only folders of the
/// layers below its own, so no change can ripple back up and no cycle can form. A new folder must be given a layer here.
/// </summary>
public sealed class LayerTests
{
    /// <summary>Lowest first. Folders of one layer do not use each other.</summary>
    public static readonly string[][] Layers =
    [
        ["Hosting", "Storage", "Outbound"],
        ["Vault", "Realtime"],
        ["Environments", "ConnectSessions"],
        ["Callers"],
        ["Providers", "Logs", "Audit"],
        ["Connections", "Tokens", "Settings"],
        ["Integrations", "Webhooks"],
        ["Refresh", "CredentialEntry"],
        ["OAuth"],
        ["Connect", "Dashboard", "ConnectUi", "Proxy", "ApiReference", "Demo"],
    ];

    private const string Root = "Latchkey.Server";

    private static readonly ArchUnitNET.Domain.Architecture Server =
        new ArchLoader().LoadAssemblies(typeof(LatchkeyServer).Assembly).Build();

    public static TheoryData<string> Folders => new(Layers.SelectMany(layer => layer));

    [Fact]
    public void EveryFeatureFolder_HasExactlyOneLayer()
    {
        var placed = Layers.SelectMany(layer => layer).ToList();
        var folders = Server.Types
            .Select(type => type.Namespace.FullName)
            .Where(name => name.StartsWith(Root + ".", StringComparison.Ordinal))
            .Select(name => name[(Root.Length + 1)..].Split('.')[0])
            .ToHashSet(StringComparer.Ordinal);

        Assert.Equal(placed.Count, placed.Distinct(StringComparer.Ordinal).Count());
        Assert.Equal(folders.Order(StringComparer.Ordinal), placed.Order(StringComparer.Ordinal));
    }

    /// <summary>One encryption boundary: only the stores that own sealed columns (and the Vault itself) seal or open.</summary>
    [Fact]
    public void SecretCodec_IsUsedOnlyByTheOwnersOfSealedColumns()
    {
        Types().That().DoNotResideInNamespaceOrBelow($"{Root}.Vault")
            .And().DoNotHaveFullName($"{Root}.Connections.ConnectionSecrets")
            .And().DoNotHaveFullName($"{Root}.Integrations.IntegrationStore")
            .And().DoNotHaveFullName($"{Root}.Integrations.McpClientStore")
            .And().DoNotHaveFullName($"{Root}.Environments.EnvironmentStore")
            .And().DoNotHaveFullName($"{Root}.OAuth.OAuthSessionStore")
            .And().DoNotHaveFullName($"{Root}.Dashboard.Mfa.MfaFactors")
            .Should().NotDependOnAny(typeof(Latchkey.Server.Vault.SecretCodec))
            .Because("features get opened secrets from the store that owns them (docs/architecture.md)")
            .Check(Server);
    }

    [Theory]
    [MemberData(nameof(Folders))]
    public void Folder_UsesOnlyFoldersOfLowerLayers(string folder)
    {
        var own = Array.FindIndex(Layers, layer => layer.Contains(folder));
        var notBelow = Layers.Skip(own).SelectMany(layer => layer).Where(other => other != folder).ToArray();
        var pattern = $@"^{Root.Replace(".", @"\.", StringComparison.Ordinal)}\.({string.Join('|', notBelow)})(\..*)?$";

        Types().That().ResideInNamespaceOrBelow($"{Root}.{folder}")
            .Should().NotDependOnAny(Types().That().ResideInNamespaceMatching(pattern))
            .Because($"{folder} is in layer {own + 1} of docs/architecture.md and may use only the layers below it")
            .Check(Server);
    }
}
