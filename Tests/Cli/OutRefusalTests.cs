namespace ScalePlanner.Tests.Cli;

/// <summary>
/// `--out` is checked before the work (issue 19): an empty path crashed plan, simulate and fit, and plan and fit printed their
/// whole table before refusing a file given as the folder. Now each is one line, nothing on stdout, and the file untouched.
/// </summary>
public class OutRefusalTests
{
    public static TheoryData<string[]> Commands => new()
    {
        new[] { "plan", Cli.Scenario("gpt2-small-8-l4.json"), "--top", "3" },
        new[] { "simulate", Cli.Scenario("gpt2-small-8-l4.json"), "--layout", "dp=8,mb=8" },
        new[] { "fit", Cli.Scenario("synthetic-chinchilla-runs.csv"), "--budget", "1e22", "--bootstrap", "10" },
    };

    [Theory]
    [MemberData(nameof(Commands))]
    public void Should_Refuse_An_Empty_Out_In_One_Line(string[] command) =>
        BadInputTests.AssertRejected(Cli.Run([.. command, "--out", ""]), "error: --out: is empty", "give a folder to write into");

    [Theory]
    [MemberData(nameof(Commands))]
    public void Should_Refuse_An_Out_That_Is_A_File_Before_Printing_Anything(string[] command)
    {
        string file = Path.Combine(Directory.CreateTempSubdirectory("scaleplan-outfile-").FullName, "report");
        File.WriteAllText(file, "mine");
        BadInputTests.AssertRejected(Cli.Run([.. command, "--out", file]), $"error: --out: '{file}' is a file", "give a folder");
        Assert.Equal("mine", File.ReadAllText(file));
        var under = Cli.Run([.. command, "--out", Path.Combine(file, "under")]);
        BadInputTests.AssertRejected(under, "error: --out: ", file);
        Assert.Equal(["report"], Directory.GetFileSystemEntries(Path.GetDirectoryName(file)!).Select(Path.GetFileName));
    }
}
