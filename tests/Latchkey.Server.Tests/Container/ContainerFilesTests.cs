using System.Text.RegularExpressions;
using YamlDotNet.RepresentationModel;

namespace Latchkey.Server.Tests.Container;

/// <summary>
/// The Dockerfile and compose.yaml cannot be built here (no Docker engine), so what can be checked without one is:
/// every file they copy exists, and the image keeps its promises (non-root, /data volume, health check).
/// </summary>
public sealed partial class ContainerFilesTests
{
    private static readonly string Dockerfile = File.ReadAllText(RepositoryFiles.PathOf("Dockerfile"));

    [Fact]
    public void EveryPathTheDockerfileCopiesFromTheRepository_Exists()
    {
        var sources = CopyFromContext().Matches(Dockerfile)
            .SelectMany(match => match.Groups["paths"].Value.Split(' ', StringSplitOptions.RemoveEmptyEntries).SkipLast(1))
            .ToList();

        Assert.Contains("src/Latchkey.Server/", sources);
        Assert.Contains("web/connect-ui/package.json", sources);
        Assert.All(sources, source => Assert.True(
            File.Exists(RepositoryFiles.PathOf(source)) || Directory.Exists(RepositoryFiles.PathOf(source)), $"COPY {source}: not in the repository"));
    }

    [Fact]
    public void ConnectUiStage_BuildsWhatTheServerProjectBuilds_IntoTheFolderTheImageCopies()
    {
        var project = File.ReadAllText(RepositoryFiles.PathOf("src", "Latchkey.Server", "Latchkey.Server.csproj"));
        var vite = File.ReadAllText(RepositoryFiles.PathOf("web", "connect-ui", "vite.config.ts"));

        Assert.Contains("npm run build --silent -w @latchkey/connect-ui", project, StringComparison.Ordinal);
        Assert.Contains("RUN npm run build --silent -w @latchkey/connect-ui", Dockerfile, StringComparison.Ordinal);
        Assert.Contains("'../../src/Latchkey.Server/wwwroot/connect-ui'", vite, StringComparison.Ordinal);
        // Stage 1 works in /src/web/connect-ui, so ../../src/... is /src/src/...
        Assert.Contains("WORKDIR /src/web", Dockerfile, StringComparison.Ordinal);
        Assert.Contains("COPY --from=connect-ui /src/src/Latchkey.Server/wwwroot/connect-ui/ src/Latchkey.Server/wwwroot/connect-ui/", Dockerfile, StringComparison.Ordinal);
    }

    [Fact]
    public void Image_RunsAsNonRoot_WithDataInAVolume_AndAHealthCheckThroughTheServerItself()
    {
        var runtime = Dockerfile[Dockerfile.LastIndexOf("\nFROM ", StringComparison.Ordinal)..];

        Assert.Matches(@"\nUSER [1-9][0-9]*\n", runtime);
        Assert.Contains("VOLUME /data", runtime, StringComparison.Ordinal);
        Assert.Contains("LATCHKEY_DATA_DIR=/data", runtime, StringComparison.Ordinal);
        Assert.Contains("LATCHKEY_BIND=0.0.0.0", runtime, StringComparison.Ordinal);
        Assert.Contains("""CMD ["/app/Latchkey.Server", "health"]""", runtime, StringComparison.Ordinal);
        Assert.Contains("""ENTRYPOINT ["/app/Latchkey.Server"]""", runtime, StringComparison.Ordinal);
        Assert.Contains("-p:PublishSingleFile=true", Dockerfile, StringComparison.Ordinal);
        Assert.Contains("--self-contained", Dockerfile, StringComparison.Ordinal);
    }

    [Fact]
    public void Compose_RunsTheImageOnPostgres_ReadOnly_WithItsDataInAVolume()
    {
        var yaml = new YamlStream();
        yaml.Load(new StringReader(File.ReadAllText(RepositoryFiles.PathOf("compose.yaml"))));
        var services = (YamlMappingNode)((YamlMappingNode)yaml.Documents[0].RootNode)["services"];
        var latchkey = (YamlMappingNode)services["latchkey"];
        var environment = (YamlMappingNode)latchkey["environment"];

        Assert.StartsWith("postgres:", ((YamlScalarNode)((YamlMappingNode)services["postgres"])["image"]).Value, StringComparison.Ordinal);
        Assert.Matches("^postgres://latchkey:.*@postgres:5432/latchkey$", ((YamlScalarNode)environment["LATCHKEY_DATABASE_URL"]).Value!);
        Assert.Equal("true", ((YamlScalarNode)latchkey["read_only"]).Value);
        Assert.Contains(((YamlSequenceNode)latchkey["volumes"]).Children, volume => ((YamlScalarNode)volume).Value!.EndsWith(":/data", StringComparison.Ordinal));
        Assert.Equal(".", ((YamlScalarNode)latchkey["build"]).Value);
    }

    [Fact]
    public void DockerIgnore_KeepsLocalDataKeysAndBuildsOutOfTheContext()
    {
        var ignored = File.ReadAllLines(RepositoryFiles.PathOf(".dockerignore"));

        Assert.Contains("**/encryption.key", ignored);
        Assert.Contains("**/node_modules/", ignored);
        Assert.Contains("**/bin/", ignored);
        Assert.Contains("data/", ignored);
    }

    // COPY lines without --from: the sources are paths of the build context (the repository).
    [GeneratedRegex(@"^COPY (?!--from)(?:--\S+ )*(?<paths>.+)$", RegexOptions.Multiline)]
    private static partial Regex CopyFromContext();
}
