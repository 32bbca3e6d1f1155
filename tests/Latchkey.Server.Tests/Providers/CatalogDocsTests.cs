using Latchkey.Server.Providers;

namespace Latchkey.Server.Tests.Providers;

public sealed class CatalogDocsTests
{
    [Fact]
    public void ProvidersPage_IsGeneratedFromTheCatalog()
    {
        var path = Path.Combine(RepositoryRoot(), "docs", "providers.md");
        var committed = File.ReadAllText(path);

        var generated = CatalogDocs.Rewrite(committed, ProvidersFeature.LoadCatalog(new ProvidersOptions()), CatalogDocs.RawEntries());

        Assert.True(committed == generated,
            "docs/providers.md is stale: run `./scripts/providers-doc.sh` and commit the result.");
    }

    private static string RepositoryRoot()
    {
        for (var folder = new DirectoryInfo(AppContext.BaseDirectory); folder is not null; folder = folder.Parent)
        {
            if (File.Exists(Path.Combine(folder.FullName, "Latchkey.slnx")))
            {
                return folder.FullName;
            }
        }

        throw new InvalidOperationException("The repository root was not found.");
    }
}
