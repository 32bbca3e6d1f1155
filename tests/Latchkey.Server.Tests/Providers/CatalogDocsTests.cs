using Latchkey.Server.Providers;

namespace Latchkey.Server.Tests.Providers;

public sealed class CatalogDocsTests
{
    [Fact]
    public void ProvidersPage_IsGeneratedFromTheCatalog()
    {
        var path = RepositoryFiles.PathOf("docs", "providers.md");
        var committed = File.ReadAllText(path);

        var generated = CatalogDocs.Rewrite(committed, ProvidersFeature.LoadCatalog(new ProvidersOptions()), CatalogDocs.RawEntries());

        Assert.True(committed == generated,
            "docs/providers.md is stale: run `./scripts/providers-doc.sh` and commit the result.");
    }
}
