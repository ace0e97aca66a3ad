namespace ScalePlanner.Tests.Cli;

/// <summary>
/// `execute` options that cannot work are refused in one line before any training (issue 19): options of a run across
/// processes given to a run in one process, ranges, ZeRO and compression without data parallelism, an --out onto a file.
/// </summary>
public class ExecuteRefusalTests
{
    private static Cli.Outcome Execute(string layout, params string[] options) =>
        Cli.Run(["execute", Cli.TempScenario(ExecuteCommandTests.Tiny), "--layout", layout, "--steps", "3", .. options]);

    private static void AssertRefusedBeforeTraining(Cli.Outcome outcome, string field, string allowed)
    {
        BadInputTests.AssertRejected(outcome, $"error: {field}: ", allowed);
        Assert.DoesNotContain("step 1/", outcome.StdErr);
    }

    [Fact]
    public void Should_Refuse_A_Hostfile_In_One_Process_Even_A_Missing_One()
    {
        string existing = Path.Combine(Directory.CreateTempSubdirectory("scaleplan-hosts-").FullName, "hosts.txt");
        File.WriteAllText(existing, "localhost slots=2\n");
        foreach (string hostfile in new[] { existing, "/nonexistent/hosts.txt" })
            AssertRefusedBeforeTraining(Execute("dp=1,mb=4,precision=fp32", "--hostfile", hostfile), "--hostfile", "this layout runs in one process (dp·tp·pp = 1); leave it out");
    }

    [Theory]
    [InlineData("dp=1,mb=4,precision=fp32", "--check-every", "must be an integer from 0 to 10,000,000 steps (0 = never), got -1", "--check-every", "-1")]
    [InlineData("dp=1,mb=4,precision=fp32", "--check-every", "this layout runs in one process", "--check-every", "5")]
    [InlineData("dp=1,mb=4,precision=fp32,zero=3", "layout.zero", "allowed with dp=1: zero=0")]
    [InlineData("dp=1,mb=4,precision=fp32,compress=powersgd:2", "layout.compress", "allowed with dp=1: none")]
    public void Should_Refuse_Options_A_One_Process_Run_Cannot_Honour(string layout, string field, string allowed, params string[] options) =>
        AssertRefusedBeforeTraining(Execute(layout, options), field, allowed);

    [Fact]
    public void Should_Refuse_An_Out_Folder_That_Is_A_File_Before_Training()
    {
        string file = Path.Combine(Directory.CreateTempSubdirectory("scaleplan-outfile-").FullName, "report");
        File.WriteAllText(file, "mine");
        AssertRefusedBeforeTraining(Execute("dp=1,mb=4,precision=fp32", "--out", file), "--out", "is a file; give a folder");
        Assert.Equal("mine", File.ReadAllText(file));
    }
}
