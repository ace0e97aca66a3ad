using System.Diagnostics;

namespace ScalePlanner.Tests.Cli;

/// <summary>
/// `execute --checkpoint-dir … --resume` in one process, as a user meets it (issue 19): a finished run is reported as
/// finished, a resume under another schedule or layout is refused by name, a checkpoint folder that is a file is refused
/// before step 1, and what a killed writer left behind is removed at the next start.
/// </summary>
public class ExecuteResumeTests
{
    private const string Layout = "dp=1,mb=4,precision=fp32";

    private static readonly string Scenario = Cli.TempScenario(ExecuteCommandTests.Tiny);

    private static Cli.Outcome Execute(string folder, string layout, int steps, params string[] options) =>
        Cli.Run(["execute", Scenario, "--layout", layout, "--steps", $"{steps}", "--checkpoint-dir", folder, .. options]);

    /// <summary>A folder holding the checkpoints of a finished 4-step run, one every 2 steps.</summary>
    private static string FinishedRun()
    {
        string folder = Directory.CreateTempSubdirectory("scaleplan-resume-").FullName;
        var run = Execute(folder, Layout, 4, "--checkpoint-every", "2");
        Assert.True(run.ExitCode == 0, run.StdErr);
        Assert.Equal(["step-00000002.ckpt", "step-00000004.ckpt"], Directory.GetFiles(folder).Select(Path.GetFileName).Order());
        return folder;
    }

    [Fact]
    public void Should_Say_A_Finished_Run_Is_Complete_And_Exit_0_Without_Training()
    {
        string folder = FinishedRun();
        var resumed = Execute(folder, Layout, 4, "--resume");
        Assert.True(resumed.ExitCode == 0, resumed.StdErr);
        Assert.Equal("", resumed.StdOut);
        Assert.Equal("the run is complete: its newest checkpoint is at step 4 of 4; nothing is left to train", resumed.StdErr.Trim());
        Assert.Equal(["step-00000002.ckpt", "step-00000004.ckpt"], Directory.GetFiles(folder).Select(Path.GetFileName).Order());
    }

    [Theory]
    [InlineData(Layout, 6, "--resume", "the checkpoint was written for --steps 4, whose learning-rate schedule it follows (this run: 6)")]
    [InlineData("dp=1,mb=2,precision=fp32", 4, "--resume", "the checkpoint was written for --layout dp=1,tp=1,pp=1,vp=1,cp=1,sp=off,mb=4,")]
    public void Should_Refuse_A_Resume_Whose_Schedule_Or_Layout_Differs_By_Name(string layout, int steps, string field, string message)
    {
        string folder = FinishedRun();
        var resumed = Execute(folder, layout, steps, "--resume");
        BadInputTests.AssertRejected(resumed, $"error: {field}: {message}", "resume with the options that wrote it, or start afresh in another --checkpoint-dir");
        Assert.DoesNotContain("step 1/", resumed.StdErr);
    }

    [Fact]
    public void Should_Refuse_To_Resume_From_A_Folder_That_Does_Not_Exist_Without_Making_It()
    {
        string missing = Path.Combine(Directory.CreateTempSubdirectory("scaleplan-nockpt-").FullName, "checkpoints");
        var outcome = Execute(missing, Layout, 4, "--resume");   // a fuzz case: the refusal used to leave the folder behind
        BadInputTests.AssertRejected(outcome, $"error: --resume: no valid checkpoint in '{missing}'", "the folder does not exist");
        Assert.False(Path.Exists(missing));
    }

    [Fact]
    public void Should_Refuse_A_Checkpoint_Folder_That_Is_A_File_Before_Step_1()
    {
        string file = Path.Combine(Directory.CreateTempSubdirectory("scaleplan-ckfile-").FullName, "checkpoints");
        File.WriteAllText(file, "not a folder");
        var outcome = Execute(file, Layout, 4, "--checkpoint-every", "2");
        BadInputTests.AssertRejected(outcome, $"error: --checkpoint-dir: '{file}' is a file", "give a folder");
        Assert.DoesNotContain("step 1/", outcome.StdErr);
        Assert.Equal("not a folder", File.ReadAllText(file));
    }

    /// <summary>
    /// A writer killed by SIGKILL in the middle of a save leaves step-N.ckpt.PID.tmp (the rename never happens): made here by
    /// hand under the id of a process that really was killed. The next start removes it and says so; a temporary file whose
    /// writer still runs (another run sharing the folder) is left alone until that writer is gone.
    /// </summary>
    [Fact]
    public void Should_Remove_The_Temporary_File_Of_A_Killed_Writer_At_The_Next_Start_And_Spare_A_Running_Ones()
    {
        string folder = Directory.CreateTempSubdirectory("scaleplan-stale-").FullName;
        using var running = Process.Start("sleep", "300");
        using (var killed = Process.Start("sleep", "300"))
        {
            killed.Kill();   // SIGKILL on Unix
            killed.WaitForExit();
            File.WriteAllBytes(Path.Combine(folder, $"step-00000002.ckpt.{killed.Id}.tmp"), new byte[4096]);
        }
        string live = $"step-00000004.ckpt.{running.Id}.tmp";
        File.WriteAllBytes(Path.Combine(folder, live), new byte[4096]);

        var first = Execute(folder, Layout, 3, "--checkpoint-every", "2");
        Assert.True(first.ExitCode == 0, first.StdErr);
        Assert.Contains("removed step-00000002.ckpt.", first.StdErr);
        Assert.Contains("left by a writer that was stopped", first.StdErr);
        Assert.Equal(["step-00000002.ckpt", live], Directory.GetFiles(folder).Select(Path.GetFileName).Order(StringComparer.Ordinal));

        running.Kill();
        running.WaitForExit();
        var second = Execute(folder, Layout, 3, "--checkpoint-every", "2", "--resume");
        Assert.True(second.ExitCode == 0, second.StdErr);
        Assert.Contains($"removed {live}, left by a writer that was stopped", second.StdErr);
        Assert.Empty(Directory.GetFiles(folder, "*.tmp"));
    }
}
