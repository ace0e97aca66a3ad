using ScalePlanner.Simulator.Layouts;
using ScalePlanner.Simulator.Specs;
using ScalePlanner.Simulator.Timeline;

namespace ScalePlanner.Tests.Simulator.Timeline;

/// <summary>A slow device in a synchronous step: its pipeline waits for it, and every replica waits at the gradient reduction.</summary>
public class StragglerTests
{
    // 16 replicas of 8 stages of 8 tensor-parallel devices.
    private static readonly Layout OneFOneB = Layout.Parse("dp=16,tp=8,pp=8,sp=on,recompute=selective");

    [Theory]
    [InlineData("dp=16,tp=8,pp=8,sp=on,recompute=selective", 256, 0)]        // stage 0, replica 0
    [InlineData("dp=16,tp=8,pp=8,sp=on,recompute=selective", 256, 427)]      // stage 3, replica 5
    [InlineData("dp=16,tp=8,pp=8,sp=on,recompute=selective", 256, 1023)]     // stage 7, replica 15
    [InlineData("dp=16,tp=8,pp=8,vp=3,sp=on,schedule=interleaved", 256, 300)]
    [InlineData("dp=16,tp=8,pp=8,sp=on,schedule=gpipe", 256, 520)]
    [InlineData("dp=128,tp=8,mb=8,zero=3,recompute=full", 2048, 77)]       // ZeRO-3, compute-bound: gathers hide behind passes
    public void Should_Slow_The_Step_By_At_Least_The_Stragglers_Extra_Time_On_The_Critical_Path(string layoutText, int globalBatch, int device)
    {
        var layout = Layout.Parse(layoutText);
        var job = Jobs.Gpt3On1024A100(globalBatch);
        var baseline = TimelineSimulator.Evaluate(job, layout).Timeline;
        var slowed = TimelineSimulator.Evaluate(job, layout, options: new TimelineOptions { SlowDevices = [new Slowdown(device, 1.2)] }).Timeline;

        // Replicas are identical without a straggler, so the baseline's critical path runs the same in the straggler's replica:
        // the straggler's kernels on it are those of its stage.
        int stage = device / (layout.Tp * layout.Cp * layout.Dp);
        double onPath = baseline.CriticalPath.Where(c => c.KernelSeconds > 0 && baseline.Groups[c.Group].Stage == stage).Sum(c => c.KernelSeconds);
        Assert.True(onPath > 0, "the straggler's stage should be on the critical path");
        Assert.True(slowed.StepTimeSeconds - baseline.StepTimeSeconds >= 0.2 * onPath * (1 - 1e-9),
            $"step grew by {slowed.StepTimeSeconds - baseline.StepTimeSeconds} s, less than 0.2 × {onPath} s of the straggler's kernels on the critical path");

        // Synchronous: a replica without the straggler finishes later too, held at the gradient reduction.
        int straggling = device / (layout.Tp * layout.Cp) % layout.Dp, other = (straggling + 1) % layout.Dp;
        var lastOfOther = slowed.Groups.Where(g => g.Replica == other).Max(g => g.EndSeconds);
        Assert.True(lastOfOther > baseline.Groups.Where(g => g.Replica == other).Max(g => g.EndSeconds));
    }

    [Fact]
    public void Should_Slow_A_Tensor_Parallel_Group_As_Much_As_Its_Slowest_Device()
    {
        // The 8 devices of a group meet in every block's all-reduce, so one slow device sets the group's pace.
        var first = Run(new TimelineOptions { SlowDevices = [new Slowdown(0, 1.2)] });
        var last = Run(new TimelineOptions { SlowDevices = [new Slowdown(7, 1.2)] });
        var node = Run(new TimelineOptions { SlowNodes = [new Slowdown(0, 1.2)] });
        Assert.Equal(first.StepTimeSeconds, last.StepTimeSeconds);
        Assert.Equal(first.StepTimeSeconds, node.StepTimeSeconds);
        Assert.True(first.StepTimeSeconds > Run(new TimelineOptions()).StepTimeSeconds);
    }

    [Fact]
    public void Should_Run_Every_Replica_Without_A_Slowdown_Identically()
    {
        // Why one nominal replica's events stand for all of them: same inputs, same collectives, same timeline.
        var t = Run(new TimelineOptions { SlowDevices = [new Slowdown(300, 1.3)], RecordEvents = true });
        int slowedReplica = 300 / 8 % 16;
        var nominal = t.Groups.Where(g => g.Replica != slowedReplica).GroupBy(g => g.Stage);
        Assert.All(nominal, stage => Assert.Single(stage.Select(g => (g.Time, g.EndSeconds)).Distinct()));
        Assert.Equal([0, slowedReplica], t.RecordedReplicas);
        Assert.All(t.Events, e => Assert.Contains(t.Groups[e.Group].Replica, t.RecordedReplicas));
    }

    [Theory]
    [InlineData(1024, 1.2, "--straggler")]
    [InlineData(-1, 1.2, "--straggler")]
    [InlineData(3, 0.9, "--straggler")]
    [InlineData(3, double.NaN, "--straggler")]
    public void Should_Reject_A_Slowdown_Outside_The_Cluster_Or_Below_One(int device, double factor, string field)
    {
        var error = Assert.Throws<SpecException>(() => Run(new TimelineOptions { SlowDevices = [new Slowdown(device, factor)] }));
        Assert.Equal(field, error.Field);
    }

    private static TimelineResult Run(TimelineOptions options) => TimelineSimulator.Evaluate(Jobs.Gpt3On1024A100(256), OneFOneB, options: options).Timeline;
}
