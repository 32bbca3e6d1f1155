using System.Text.RegularExpressions;

namespace Latchkey.Server.Tests.Repository;

/// <summary>
/// Every relative link of the documentation stays inside the repository and names a file or folder that exists, so a
/// fresh clone (or the package a README ships in) has no dead link; a path written in backticks that climbs out of the
/// repository counts too, since a reader follows it the same way.
/// </summary>
public sealed partial class DocumentationLinksTests
{
    public static TheoryData<string> Documents()
    {
        var root = RepositoryFiles.Root;
        var documents = new[] { "README.md", "SECURITY.md" }
            .Concat(Directory.GetFiles(RepositoryFiles.PathOf("docs"), "*.md").Select(path => Path.GetRelativePath(root, path)))
            .Concat(Directory.GetFiles(RepositoryFiles.PathOf("web"), "README.md", SearchOption.AllDirectories)
                .Where(path => !path.Contains("node_modules", StringComparison.Ordinal))
                .Select(path => Path.GetRelativePath(root, path)));
        return new TheoryData<string>(documents.Where(path => File.Exists(Path.Combine(root, path))).Order(StringComparer.Ordinal));
    }

    [Theory]
    [MemberData(nameof(Documents))]
    public void RelativeLinks_StayInTheRepository_AndExist(string document)
    {
        var path = RepositoryFiles.PathOf(document);
        var folder = Path.GetDirectoryName(path)!;
        var problems = new List<string>();
        foreach (var target in RelativeTargets(File.ReadAllText(path)))
        {
            var resolved = Path.GetFullPath(Path.Combine(folder, Uri.UnescapeDataString(target)));
            if (!resolved.StartsWith(RepositoryFiles.Root + Path.DirectorySeparatorChar, StringComparison.Ordinal))
            {
                problems.Add($"{target}: leaves the repository");
            }
            else if (!File.Exists(resolved) && !Directory.Exists(resolved))
            {
                problems.Add($"{target}: no such file");
            }
        }

        Assert.Empty(problems);
    }

    [Fact]
    public void TheScan_FindsLinksThatLeave_OrPointNowhere()
    {
        var text = "See [spec](../shared/spec/PROTOCOL.md), `../shared/DESIGN.md`, ![x](docs/images/nope.png \"t\"), " +
            "<img src=\"docs/a.png\">, [ok](https://example.com), [anchor](#top) and [file](docs/webhooks.md#signing).";

        Assert.Equal(["../shared/spec/PROTOCOL.md", "docs/images/nope.png", "docs/webhooks.md", "docs/a.png", "../shared/DESIGN.md"], RelativeTargets(text));
    }

    /// <summary>Link and image targets (without their #fragment), then backticked paths that start with ../.</summary>
    internal static List<string> RelativeTargets(string markdown)
    {
        var targets = new List<string>();
        foreach (Match match in MarkdownLink().Matches(markdown).Concat(HtmlSource().Matches(markdown)))
        {
            var target = match.Groups["target"].Value.Trim('<', '>');
            if (target.Length == 0 || target.StartsWith('#') || target.Contains("://", StringComparison.Ordinal) ||
                target.StartsWith("mailto:", StringComparison.OrdinalIgnoreCase))
            {
                continue;
            }

            targets.Add(target.Split('#')[0]);
        }

        targets.AddRange(BacktickedParentPath().Matches(markdown).Select(match => match.Groups["target"].Value));
        return targets;
    }

    [GeneratedRegex(@"\]\((?<target>[^)\s]+)(?:\s+""[^""]*"")?\)")]
    private static partial Regex MarkdownLink();

    [GeneratedRegex(@"<(?:img|a)\s[^>]*?(?:src|href)=""(?<target>[^""]+)""")]
    private static partial Regex HtmlSource();

    [GeneratedRegex(@"`(?<target>\.\./[^`\s]+)`")]
    private static partial Regex BacktickedParentPath();
}
