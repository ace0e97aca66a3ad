using ScalePlanner.Simulator.Hardware;
using ScalePlanner.Simulator.Layouts;
using ScalePlanner.Simulator.Timeline;

namespace ScalePlanner.Tests.Simulator.Timeline;

/// <summary>The timeline against the closed form it shares its durations with, and its own bookkeeping.</summary>
public class TimelineConsistencyTests
{
    private static readonly ScalePlanner.Simulator.Simulation.TrainingJob Gpt3 = Jobs.Gpt3On1024A100(512);

    public static TheoryData<string> Layouts => new()
    {
        "dp=16,tp=8,pp=8,sp=on,recompute=selective",
        "dp=16,tp=8,pp=8,sp=on,schedule=gpipe,recompute=full",
        "dp=16,tp=8,pp=8,vp=4,sp=on,schedule=interleaved",
        "dp=8,tp=8,pp=8,cp=2,sp=on,zero=1",
        "dp=128,tp=8,zero=3,recompute=full",
        "dp=128,tp=8,zero=3,recompute=full,overlap=off",
        "dp=32,tp=8,pp=4,zero=2,overlap=off,compress=powersgd:4",
    };

    [Theory]
    [MemberData(nameof(Layouts))]
    public void Should_Partition_Every_Groups_Step_Into_Its_Time_Parts(string layout)
    {
        var simulation = TimelineSimulator.Evaluate(Gpt3, Layout.Parse(layout));
        var t = simulation.Timeline;
        Assert.Equal(t.StepTimeSeconds, simulation.Result.StepTimeSeconds, 1e-12 * t.StepTimeSeconds);
        Assert.All(t.Groups, g =>
        {
            Assert.Equal(t.StepTimeSeconds, g.Time.Total, 1e-9 * t.StepTimeSeconds);
            Assert.Equal(t.StepTimeSeconds, g.BusySeconds + g.ExposedCommSeconds + g.IdleSeconds, 1e-9 * t.StepTimeSeconds);
            Assert.All(new[] { g.Time.Compute, g.Time.PipelineBubble, g.Time.DataParallelCommExposed, g.Time.PipelineComm, g.Time.OptimizerStep }, part => Assert.True(part >= 0));
        });
    }

    [Theory]
    [MemberData(nameof(Layouts))]
    public void Should_Stay_Within_Ten_Percent_Of_The_Closed_Form(string layout)
    {
        // Two models of the same step from the same durations: they differ in the bubble of uneven stages and in overlap, not more.
        var simulation = TimelineSimulator.Evaluate(Gpt3, Layout.Parse(layout));
        Assert.InRange(simulation.Result.StepTimeSeconds / simulation.ClosedForm.StepTimeSeconds, 0.9, 1.1);
    }

    [Fact]
    public void Should_Equal_The_Closed_Form_Without_Pipeline_Or_Data_Parallelism()
    {
        // One node of 8 devices, tensor parallel only: m passes back to back with their all-reduces inline, then the optimizer.
        var job = Gpt3 with { Cluster = ClusterSpec.Of(AcceleratorCatalog.Get("a100-sxm-80gb"), 1), Training = Gpt3.Training with { GlobalBatchSize = 16 } };
        var simulation = TimelineSimulator.Evaluate(job, Layout.Parse("tp=8,mb=1,recompute=full"));
        var (closed, timeline) = (simulation.ClosedForm.Time, simulation.Timeline.Time);
        Assert.Equal(closed.Total, timeline.Total, 1e-9 * closed.Total);
        Assert.Equal(closed.Compute, timeline.Compute, 1e-9 * closed.Compute);
        Assert.Equal(closed.Recompute, timeline.Recompute, 1e-9 * closed.Recompute);
        Assert.Equal(closed.TensorParallelComm, timeline.TensorParallelComm, 1e-9 * closed.TensorParallelComm);
        Assert.True(timeline.TensorParallelComm > 0);
        Assert.Equal(0, timeline.PipelineBubble);
    }

    [Fact]
    public void Should_Spend_The_Closed_Forms_Compute_And_Tensor_Comm_On_The_Bottleneck_Stage()
    {
        var simulation = TimelineSimulator.Evaluate(Gpt3, Layout.Parse("dp=16,tp=8,pp=8,sp=on,recompute=full"));
        var (closed, timeline) = (simulation.ClosedForm.Time, simulation.Timeline.Time);
        Assert.Equal(closed.Compute, timeline.Compute, 1e-9 * closed.Compute);
        Assert.Equal(closed.Recompute, timeline.Recompute, 1e-9 * closed.Recompute);
        Assert.Equal(closed.TensorParallelComm, timeline.TensorParallelComm, 1e-9 * closed.TensorParallelComm);
    }

    [Fact]
    public void Should_Prefetch_ZeRO3_Gathers_And_Hide_Them_Behind_Compute()
    {
        // Micro-batches of 8 sequences: each pass computes longer than its weights take to gather, so prefetching can hide them.
        var job = Jobs.Gpt3On1024A100(2048);
        var overlapped = TimelineSimulator.Evaluate(job, Layout.Parse("dp=128,tp=8,mb=8,zero=3,recompute=full"), options: new TimelineOptions { RecordEvents = true });
        var blocking = TimelineSimulator.Evaluate(job, Layout.Parse("dp=128,tp=8,mb=8,zero=3,recompute=full,overlap=off"));
        Assert.True(overlapped.Timeline.Time.DataParallelCommExposed < 0.5 * blocking.Timeline.Time.DataParallelCommExposed);

        // Each pass's weights are gathered while the pass before it runs: the gather starts before that pass ends.
        var events = overlapped.Timeline.Events.Where(e => e.Group == 0).ToList();
        var passes = events.Where(e => e.Kind is WorkKind.Forward or WorkKind.Backward).OrderBy(e => e.Start).ToList();
        var gathers = events.Where(e => e.Kind == WorkKind.WeightGather).OrderBy(e => e.Start).ToList();
        Assert.Equal(passes.Count, gathers.Count);
        for (int i = 1; i < passes.Count; i++) Assert.True(gathers[i].Start < passes[i - 1].End, $"gather {i} starts at {gathers[i].Start}, after pass {i - 1} ends at {passes[i - 1].End}");
    }

    [Fact]
    public void Should_Send_Activations_On_The_Tier_Each_Pair_Of_Stages_Uses()
    {
        // tp=2 and dp=2 put two stages on each node of 8: stage 0 → 1 stays inside the node, stage 1 → 2 crosses to the next.
        var job = Jobs.Of("gpt3-175b", "a100-sxm-80gb", 4, 64);
        var layout = Layout.Parse("dp=2,tp=2,pp=8");
        var stepModel = new ScalePlanner.Simulator.Simulation.StepModel(job);
        var workload = StepWorkloadBuilder.Build(job, stepModel, stepModel.Shape(layout), layout, new TimelineOptions());
        Assert.Equal(LinkTier.IntraNode, workload.ForwardSend[0].Tier);
        Assert.Equal(LinkTier.InterNode, workload.ForwardSend[2].Tier);
        Assert.True(workload.ForwardSend[2].Seconds > 3 * workload.ForwardSend[0].Seconds);
    }
}
