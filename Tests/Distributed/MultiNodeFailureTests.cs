using System.Diagnostics;
using System.Text.RegularExpressions;

namespace ScalePlanner.Tests.Distributed;

/// <summary>
/// Failures across machines, for real on the emulated nodes: every process of one machine killed (a machine that dies), and
/// a link that silently drops every packet (a cable or a switch). Either way the job stops within 30 s with one line naming
/// the machine and its ranks, nothing stays running on any machine, and after a dead machine `--resume` continues the
/// uninterrupted run's loss curve.
/// </summary>
[Collection(EmulatedNodesCollection.Name)]
public class MultiNodeFailureTests(EmulatedNodes nodes, Xunit.Abstractions.ITestOutputHelper output)
{
    private const string Layout = "dp=2,mb=2,precision=fp32,overlap=off";   // one rank on each machine
    private const int Steps = 40;                                          // long enough to still run when the failure comes

    /// <summary>The issue's bound: a failed machine or link stops the job within 30 s.</summary>
    private const double StopSeconds = 30;

    private static string NewFolder(string name) => Path.Combine(Directory.CreateTempSubdirectory($"scaleplan-{name}-").FullName, name);

    private static string[] Execute(params string[] options) =>
        ["execute", Cli.Cli.TempScenario(MultiNodeExecutionTests.Scenario), "--layout", Layout, "--steps", $"{Steps}", "--hostfile", EmulatedNodes.Hostfile, .. options];

    /// <summary>Starts the run with checkpoints every 3 steps and waits until both ranks wrote their step-3 checkpoint.</summary>
    private static BackgroundRun StartAndWaitForCheckpoints(string checkpoints)
    {
        var run = new BackgroundRun(EmulatedNodes.Environment, Execute("--checkpoint-dir", checkpoints, "--checkpoint-every", "3"));
        bool written = run.WaitUntil(() => Enumerable.Range(0, 2).All(r => File.Exists(Path.Combine(checkpoints, $"rank-{r:D4}", "step-00000003.ckpt"))), 60);
        Assert.True(written, $"no step-3 checkpoint from both ranks: {run.StdErr}");
        return run;
    }

    /// <summary>Waits for the stopped job; its exit code and the seconds it took after <paramref name="since"/>.</summary>
    private static (int Exit, double Seconds) Stopped(BackgroundRun run, Stopwatch since)
    {
        int? exit = run.WaitForExit(StopSeconds + 10);
        Assert.True(exit is not null, $"the job still runs {StopSeconds + 10} s after the failure: {run.StdErr}");
        return (exit.Value, since.Elapsed.TotalSeconds);
    }

    /// <summary>No daemon or rank left on either machine once the job has ended (a second's grace for the kernel to reap them).</summary>
    private static void AssertNothingLeft()
    {
        var deadline = DateTime.UtcNow.AddSeconds(1);
        while (DateTime.UtcNow < deadline && EmulatedNodes.Processes(0).Concat(EmulatedNodes.Processes(1)).Any()) Thread.Sleep(100);
        Assert.Empty(EmulatedNodes.Processes(0));
        Assert.Empty(EmulatedNodes.Processes(1));
    }

    [SkippableFact]
    public void Should_Stop_Naming_A_Dead_Machine_And_Its_Ranks_Then_Resume_On_The_Uninterrupted_Curve()
    {
        Skip.If(nodes.Unavailable is not null, nodes.Unavailable);
        string whole = NewFolder("whole");
        var uninterrupted = Cli.Cli.RunWith(EmulatedNodes.Environment, Execute("--out", whole));
        Assert.True(uninterrupted.ExitCode == 0, uninterrupted.StdErr);

        string checkpoints = NewFolder("ckpt");
        using var run = StartAndWaitForCheckpoints(checkpoints);
        var clock = Stopwatch.StartNew();
        EmulatedNodes.KillAll(1);
        var (exit, seconds) = Stopped(run, clock);
        Assert.NotEqual(0, exit);
        output.WriteLine($"the job stopped {seconds:F1} s after every process of node 1 was killed");
        Assert.True(seconds < StopSeconds, $"stopped {seconds:F1} s after the machine died");
        Assert.Contains($"error: the distributed run stopped: node {EmulatedNodes.Address(1)} (rank 1) was lost: mpirun lost contact with its daemon", run.StdErr);
        Assert.Contains($"continue from the last checkpoint every rank wrote with --resume --checkpoint-dir {checkpoints}", run.StdErr);
        AssertNothingLeft();

        string resumedFolder = NewFolder("resumed");
        var resumed = Cli.Cli.RunWith(EmulatedNodes.Environment, Execute("--checkpoint-dir", checkpoints, "--checkpoint-every", "3", "--resume", "--out", resumedFolder));
        Assert.True(resumed.ExitCode == 0, resumed.StdErr);
        var from = Regex.Match(resumed.StdErr, @"resuming at step (\d+) from the checkpoint all 2 ranks hold");
        Assert.True(from.Success, resumed.StdErr);
        var reference = DistributedResumeTests.StepLosses(whole);
        var continued = DistributedResumeTests.StepLosses(resumedFolder);
        int first = int.Parse(from.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture) - 1;   // the message counts from 1, steps.csv from 0
        Assert.True(first >= 3, $"resumed at step index {first}, before the step-3 checkpoint both ranks had written");
        Assert.Equal(Enumerable.Range(first, Steps - first), continued.Keys.Order());
        foreach (var (step, loss) in continued)
        {
            double relative = Math.Abs(loss - reference[step]) / reference[step];
            Assert.True(relative < DistributedResumeTests.Tolerance, $"resumed step {step + 1} loss {loss:R} vs uninterrupted {reference[step]:R} (relative {relative:E2})");
        }
    }

    [SkippableFact]
    public void Should_Stop_Within_Thirty_Seconds_Naming_The_Machine_When_Its_Link_Drops_Every_Packet()
    {
        Skip.If(nodes.Unavailable is not null, nodes.Unavailable);
        using var run = StartAndWaitForCheckpoints(NewFolder("ckpt"));
        var clock = Stopwatch.StartNew();
        try
        {
            nodes.Drop(1, drop: true);
            var (exit, seconds) = Stopped(run, clock);
            Assert.NotEqual(0, exit);
            output.WriteLine($"the job stopped {seconds:F1} s after node 1's link began dropping every packet");
            Assert.True(seconds < StopSeconds, $"stopped {seconds:F1} s after the link went silent");
            Assert.Contains($"error: the distributed run stopped: node {EmulatedNodes.Address(1)} (rank 1) was lost: mpirun lost contact with its daemon (its processes died, or its network link went silent)", run.StdErr);
            AssertNothingLeft();
        }
        finally
        {
            nodes.Drop(1, drop: false);
        }
    }
}
