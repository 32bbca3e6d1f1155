using System.Diagnostics;
using System.IO.Compression;
using System.Xml.Linq;

namespace Latchkey.Client.Tests;

/// <summary>
/// Both NuGet packages as <c>dotnet pack</c> makes them from a copy of their sources (as a fresh clone has them, so
/// nothing here touches the repository's own bin and obj): a .NET 8 and a .NET 10 assembly with their XML docs, the README shown on the
/// package page, the MIT licence, and the AspNetCore package depending on the client.
/// </summary>
public sealed class PackageTests
{
    [Fact]
    public async Task BothPackages_CarryNet8AndNet10Assemblies_AndTheirReadme()
    {
        var work = Directory.CreateTempSubdirectory("latchkey-pack-");
        try
        {
            var clone = CopyOfTheSources(work.FullName);
            var output = Path.Combine(work.FullName, "packages");
            foreach (var project in new[] { "Latchkey.Client", "Latchkey.Client.AspNetCore" })
            {
                await DotnetAsync(clone, "pack", Path.Combine(clone, "src", project), "-c", "Release", "-nologo", "-o", output);
            }

            foreach (var id in new[] { "Latchkey.Client", "Latchkey.Client.AspNetCore" })
            {
                using var package = ZipFile.OpenRead(Path.Combine(output, $"{id}.0.1.0.nupkg"));
                var entries = package.Entries.Select(entry => entry.FullName).ToHashSet(StringComparer.Ordinal);
                foreach (var framework in new[] { "net8.0", "net10.0" })
                {
                    Assert.Contains($"lib/{framework}/{id}.dll", entries);
                    Assert.Contains($"lib/{framework}/{id}.xml", entries);
                }

                Assert.Contains("README.md", entries);
                using var readme = new StreamReader(package.GetEntry("README.md")!.Open());
                Assert.StartsWith($"# {id}\n", await readme.ReadToEndAsync(Server.Cancellation), StringComparison.Ordinal);

                using var nuspecStream = package.GetEntry($"{id}.nuspec")!.Open();
                var metadata = XDocument.Load(nuspecStream).Root!.Elements().Single(e => e.Name.LocalName == "metadata");
                Assert.Equal("README.md", metadata.Elements().Single(e => e.Name.LocalName == "readme").Value);
                Assert.Equal("MIT", metadata.Elements().Single(e => e.Name.LocalName == "license").Value);
                var groups = metadata.Elements().Single(e => e.Name.LocalName == "dependencies").Elements().Select(e => e.Attribute("targetFramework")!.Value).ToList();
                Assert.Equal(["net10.0", "net8.0"], groups.Order(StringComparer.Ordinal));
                if (id == "Latchkey.Client.AspNetCore")
                {
                    Assert.Contains(metadata.Descendants().Where(e => e.Name.LocalName == "dependency"), d => d.Attribute("id")!.Value == "Latchkey.Client");
                }
            }
        }
        finally
        {
            work.Delete(recursive: true);
        }
    }

    private static async Task DotnetAsync(string folder, params string[] arguments)
    {
        var start = new ProcessStartInfo("dotnet") { WorkingDirectory = folder, RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        using var dotnet = Process.Start(start)!;
        var output = dotnet.StandardOutput.ReadToEndAsync(Server.Cancellation);
        var errors = dotnet.StandardError.ReadToEndAsync(Server.Cancellation);
        await dotnet.WaitForExitAsync(Server.Cancellation);
        Assert.True(dotnet.ExitCode == 0, $"dotnet {string.Join(' ', arguments)}:\n{await output}\n{await errors}");
    }

    // What a fresh clone has of the two projects and the build settings they inherit (no bin, no obj).
    private static string CopyOfTheSources(string work)
    {
        var root = RepositoryRoot();
        var clone = Path.Combine(work, "clone");
        foreach (var file in new[] { "Directory.Build.props", "Directory.Packages.props", "global.json", ".editorconfig", "LICENSE" })
        {
            if (File.Exists(Path.Combine(root, file)))
            {
                Directory.CreateDirectory(clone);
                File.Copy(Path.Combine(root, file), Path.Combine(clone, file));
            }
        }

        foreach (var project in new[] { "Latchkey.Client", "Latchkey.Client.AspNetCore" })
        {
            var source = Path.Combine(root, "src", project);
            foreach (var file in Directory.EnumerateFiles(source, "*", SearchOption.AllDirectories))
            {
                var relative = Path.GetRelativePath(source, file);
                if (relative.StartsWith("bin" + Path.DirectorySeparatorChar, StringComparison.Ordinal) || relative.StartsWith("obj" + Path.DirectorySeparatorChar, StringComparison.Ordinal))
                {
                    continue;
                }

                var target = Path.Combine(clone, "src", project, relative);
                Directory.CreateDirectory(Path.GetDirectoryName(target)!);
                File.Copy(file, target);
            }
        }

        return clone;
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

        throw new InvalidOperationException("The repository root (Latchkey.slnx) was not found above " + AppContext.BaseDirectory);
    }
}
