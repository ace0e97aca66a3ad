using System.Globalization;

namespace ScalePlanner.Tests.Distributed;

/// <summary>
/// Checkpoints and `--resume` across processes, run for real under mpirun: one rank is killed mid-run (SIGKILL, as the OOM
/// killer would), the job stops naming it, and the resumed run continues the uninterrupted run's loss curve exactly, with ZeRO-1
/// and ZeRO-3 partitions, PowerSGD's state, overlapped buckets, model-parallel shards and context-parallel ranks alike.
/// </summary>
public class DistributedResumeTests
{
    private const int Steps = 10;

    /// <summary>Relative loss difference allowed between a resumed and an uninterrupted run: both do the same fp32 operations in the same order, so only an inexact restore (lost moments, RNG or error feedback) can exceed it; such losses differ by > 1e-4 at the first resumed step.</summary>
    internal const double Tolerance = 1e-9;

    private static string Scenario { get; } = Cli.Cli.TempScenario(DistributedRuns.Tiny);

    /// <summary>(step index, loss) of every row of a run's steps.csv.</summary>
    internal static Dictionary<int, double> StepLosses(string folder) => File.ReadAllLines(Path.Combine(folder, "steps.csv")).Skip(1)
        .Select(row => row.Split(','))
        .ToDictionary(cells => int.Parse(cells[0], CultureInfo.InvariantCulture), cells => double.Parse(cells[1], CultureInfo.InvariantCulture));

    private static Cli.Cli.Outcome Execute(string layout, params string[] options) =>
        Cli.Cli.Run(["execute", Scenario, "--layout", layout, "--steps", $"{Steps}", .. options]);

    private static string NewFolder(string name) => Path.Combine(Directory.CreateTempSubdirectory($"scaleplan-{name}-").FullName, name);

    private static Dictionary<int, double> Uninterrupted(string layout)
    {
        string output = NewFolder("whole");
        var whole = Execute(layout, "--out", output);
        Assert.True(whole.ExitCode == 0, whole.StdErr);
        return StepLosses(output);
    }

    private static void AssertContinues(Dictionary<int, double> whole, Dictionary<int, double> resumed, int firstStep, string layout)
    {
        Assert.Equal(Enumerable.Range(firstStep, Steps - firstStep), resumed.Keys.Order());
        foreach (var (step, loss) in resumed)
        {
            double relative = Math.Abs(loss - whole[step]) / whole[step];
            Assert.True(relative < Tolerance, $"{layout}: resumed step {step + 1} loss {loss:R} vs uninterrupted {whole[step]:R} (relative {relative:E2})");
        }
    }

    [Theory]
    [InlineData("dp=2,mb=2,precision=fp32,overlap=off,zero=1")]
    [InlineData("dp=2,mb=2,precision=fp32,overlap=off,compress=powersgd:2")]
    [InlineData("dp=2,mb=2,precision=fp32,overlap=on")]
    [InlineData("tp=2,pp=2,mb=2,precision=fp32")]
    [InlineData("dp=2,mb=2,precision=fp32,zero=3")]
    [InlineData("cp=2,mb=2,precision=fp32")]
    public void Should_Stop_Naming_A_Killed_Rank_And_Resume_On_The_Uninterrupted_Loss_Curve(string layout)
    {
        var whole = Uninterrupted(layout);
        string checkpoints = NewFolder("ckpt");
        var killed = Execute(layout, "--checkpoint-dir", checkpoints, "--checkpoint-every", "3", "--kill-rank", "1", "--kill-step", "4");
        Assert.NotEqual(0, killed.ExitCode);
        Assert.Matches(@"error: the distributed run stopped: rank 1 on node \S+ died on signal 9 \(Killed\); continue from the last checkpoint every rank wrote with --resume", killed.StdErr);
        Assert.Contains("step 3/10", killed.StdErr);
        Assert.DoesNotContain("step 5/10", killed.StdErr);   // the rank dies as step 5 (index 4) begins

        string output = NewFolder("resumed");
        var resumed = Execute(layout, "--checkpoint-dir", checkpoints, "--checkpoint-every", "3", "--resume", "--out", output);
        Assert.True(resumed.ExitCode == 0, resumed.StdErr);
        Assert.Contains("resuming at step 4 from the checkpoint all", resumed.StdErr);
        AssertContinues(whole, StepLosses(output), firstStep: 3, layout);
    }

    [Fact]
    public void Should_Resume_From_The_Newest_Step_Every_Rank_Holds_When_One_Ranks_Newest_File_Is_Corrupted()
    {
        const string layout = "dp=2,mb=2,precision=fp32,overlap=off";
        var whole = Uninterrupted(layout);
        string checkpoints = NewFolder("ckpt");
        var killed = Execute(layout, "--checkpoint-dir", checkpoints, "--checkpoint-every", "2", "--kill-rank", "0", "--kill-step", "8");
        Assert.NotEqual(0, killed.ExitCode);
        string newest = Path.Combine(checkpoints, "rank-0001", "step-00000008.ckpt");
        byte[] bytes = File.ReadAllBytes(newest);
        bytes[bytes.Length / 2] ^= 0xFF;   // one flipped byte: the SHA-256 digest no longer matches
        File.WriteAllBytes(newest, bytes);

        string output = NewFolder("resumed");
        var resumed = Execute(layout, "--checkpoint-dir", checkpoints, "--checkpoint-every", "2", "--resume", "--out", output);
        Assert.True(resumed.ExitCode == 0, resumed.StdErr);
        Assert.Contains("rank 1: passed over checkpoint", resumed.StdErr);
        Assert.Contains("resuming at step 7 from the checkpoint all 2 ranks hold", resumed.StdErr);   // rank 0's step 8 alone is not enough
        AssertContinues(whole, StepLosses(output), firstStep: 6, layout);
    }

    [Fact]
    public void Should_Refuse_To_Resume_Checkpoints_Another_Layout_Wrote()
    {
        string checkpoints = NewFolder("ckpt");
        var first = Execute("dp=2,mb=2,precision=fp32,overlap=off", "--checkpoint-dir", checkpoints, "--checkpoint-every", "2", "--kill-rank", "1", "--kill-step", "3");
        Assert.NotEqual(0, first.ExitCode);
        var other = Execute("pp=2,mb=2,precision=fp32", "--checkpoint-dir", checkpoints, "--resume");
        Assert.NotEqual(0, other.ExitCode);
        Assert.Contains($"error: --resume: the checkpoints in '{checkpoints}' were written for --layout dp=2,tp=1,pp=1", other.StdErr);
        Assert.DoesNotContain("step 1/10", other.StdErr);
    }

    [Theory]
    [InlineData(new[] { "--resume" }, "error: --resume: needs --checkpoint-dir, the folder to resume from")]
    [InlineData(new[] { "--on-spike", "rollback" }, "error: --on-spike: rollback needs checkpoints to roll back to (--checkpoint-dir)")]
    [InlineData(new[] { "--checkpoint-dir", "/tmp/unused", "--checkpoint-every", "0" }, "error: --checkpoint-every: must be an integer from 1 to 10,000,000 steps, got 0")]
    public void Should_Refuse_Bad_Checkpoint_Options_Before_Launching(string[] options, string message)
    {
        var outcome = Execute("dp=2,mb=2,precision=fp32", options);
        Assert.Equal(2, outcome.ExitCode);
        Assert.Equal("", outcome.StdOut);
        Assert.StartsWith(message, outcome.StdErr.Trim());
    }
}
