using System.Text.RegularExpressions;
using System.Xml.Linq;

namespace ScalePlanner.Tests.Docs;

/// <summary>
/// The README and docs/ stay what a newcomer can use: a short README that links every page, commands that exist, the
/// README's example scenario as bundled, and an architecture diagram that matches the project files. tools/run-docs.sh
/// (run by .ci/run) runs every command of these pages as written.
/// </summary>
public partial class DocsTests
{
    private static readonly string Root = FindRoot();

    private static string FindRoot()
    {
        var folder = new DirectoryInfo(AppContext.BaseDirectory);
        while (folder is not null && !File.Exists(Path.Combine(folder.FullName, "ScalePlanner.sln"))) folder = folder.Parent;
        return folder?.FullName ?? throw new InvalidOperationException("ScalePlanner.sln not found above the test binaries");
    }

    private static string Read(string relative) => File.ReadAllText(Path.Combine(Root, relative));

    private static IEnumerable<string> Pages() =>
        Directory.EnumerateFiles(Path.Combine(Root, "docs"), "*.md", SearchOption.AllDirectories).Select(p => Path.GetRelativePath(Root, p).Replace('\\', '/')).Order();

    /// <summary>The lines of every fenced block with the given info string on a page.</summary>
    private static IEnumerable<string> Blocks(string text, string info) =>
        FencedBlock().Matches(text).Where(m => m.Groups["info"].Value == info).Select(m => m.Groups["body"].Value);

    [Fact]
    public void Should_Keep_The_Readme_Under_250_Lines()
    {
        Assert.InRange(Read("README.md").Split('\n').Length, 1, 250);
    }

    [Fact]
    public void Should_Link_Every_Docs_Page_From_The_Readme()
    {
        string readme = Read("README.md");
        Assert.All(Pages(), page => Assert.Contains($"]({page})", readme));
    }

    [Fact]
    public void Should_Link_Only_To_Files_That_Exist()
    {
        foreach (string page in Pages().Append("README.md"))
        {
            string folder = Path.GetDirectoryName(Path.Combine(Root, page))!;
            foreach (Match link in RelativeLink().Matches(Read(page)))
                Assert.True(Path.Exists(Path.Combine(folder, link.Groups["path"].Value)), $"{page} links to {link.Groups["path"].Value}, which does not exist");
        }
    }

    [Fact]
    public void Should_Link_Only_To_Headings_That_Exist()
    {
        foreach (string page in Pages().Append("README.md"))
        {
            string folder = Path.GetDirectoryName(Path.Combine(Root, page))!;
            foreach (Match link in AnchoredLink().Matches(Read(page)))
            {
                string target = link.Groups["path"].Value is { Length: > 0 } path ? Path.GetRelativePath(Root, Path.Combine(folder, path)) : page;
                Assert.True(Anchors(Read(target)).Contains(link.Groups["anchor"].Value), $"{page} links to {target}#{link.Groups["anchor"].Value}, which has no such heading");
            }
        }
    }

    /// <summary>GitHub's heading anchors: lower case, punctuation other than '-' and '_' dropped, spaces as '-'.</summary>
    private static HashSet<string> Anchors(string text) =>
        [.. Heading().Matches(text).Select(m => new string([.. m.Groups["title"].Value.ToLowerInvariant().Where(c => char.IsLetterOrDigit(c) || c is ' ' or '-' or '_')]).Replace(' ', '-'))];

    [Fact]
    public void Should_Name_Only_Commands_That_Exist_In_The_Commands_Shown_To_Run()
    {
        var commands = Planner.Program.Root().Subcommands.Select(c => c.Name).ToHashSet();
        var used = Pages().Append("README.md").SelectMany(page => Blocks(Read(page), "bash"))
            .SelectMany(block => ScaleplanCall().Matches(block)).Select(m => m.Groups["command"].Value).ToList();
        Assert.NotEmpty(used);
        Assert.All(used, command => Assert.Contains(command, commands));
    }

    [Fact]
    public void Should_Show_The_Bundled_Example_Scenario_In_The_Readme()
    {
        string shown = Assert.Single(Blocks(Read("README.md"), "json"));
        Assert.Equal(Read("scenarios/own-3b-16-h100.json").Trim(), shown.Trim());
    }

    [Fact]
    public void Should_Draw_The_Project_References_The_Project_Files_Hold()
    {
        string mermaid = Assert.Single(Blocks(Read("docs/architecture.md"), "mermaid"));
        var drawn = Edge().Matches(mermaid).Select(m => (m.Groups["from"].Value, m.Groups["to"].Value)).ToHashSet();
        var projects = new[] { "Simulator", "Mpi", "Calibration", "Executor", "Reports", "Planner" };
        var referenced = projects.SelectMany(project => XDocument.Parse(Read($"{project}/{project}.csproj")).Descendants("ProjectReference")
            .Select(r => (project, Path.GetFileNameWithoutExtension(r.Attribute("Include")!.Value)))).ToHashSet();
        Assert.Equal(referenced.Order(), drawn.Order());
    }

    [GeneratedRegex(@"^```(?<info>[a-z]*)[ \t]*\n(?<body>.*?)^```[ \t]*$", RegexOptions.Multiline | RegexOptions.Singleline)]
    private static partial Regex FencedBlock();

    [GeneratedRegex(@"\]\((?<path>(?!https?:|#|mailto:)[^)#\s]+)(#[^)]*)?\)")]
    private static partial Regex RelativeLink();

    [GeneratedRegex(@"\]\((?<path>(?!https?:|mailto:)[^)#\s]*)#(?<anchor>[^)\s]+)\)")]
    private static partial Regex AnchoredLink();

    [GeneratedRegex(@"^#{1,6}\s+(?<title>.+?)\s*$", RegexOptions.Multiline)]
    private static partial Regex Heading();

    [GeneratedRegex(@"(?:^|[\s;&|(])scaleplan\s+(?<command>[a-z-]+)", RegexOptions.Multiline)]
    private static partial Regex ScaleplanCall();

    [GeneratedRegex(@"^\s*(?<from>\w+)\s*-->\s*(?<to>\w+)\s*$", RegexOptions.Multiline)]
    private static partial Regex Edge();
}
