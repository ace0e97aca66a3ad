using ScalePlanner.Simulator.Hardware;
using ScalePlanner.Simulator.Layouts;
using ScalePlanner.Simulator.Simulation;
using ScalePlanner.Simulator.Specs;

namespace ScalePlanner.Tests.Simulator;

/// <summary>
/// The mixture-of-experts cost model follows the mechanisms it names: model FLOPs from active parameters, expert weights and
/// optimizer state sharded over ep, token dispatch on the link tier the ep group spans, the busiest expert setting the pace,
/// the all-gather dispatcher moving more bytes than the all-to-all, and MLA's low-rank projections.
/// </summary>
public class MoeCostTests
{
    private static TrainingJob Job(ModelSpec model, int nodes = 16, TrainingSpec? training = null) =>
        new(model, ClusterSpec.Of(AcceleratorCatalog.Get("h100-sxm"), nodes), training ?? new TrainingSpec { GlobalBatchSize = 512, Tokens = 1e12 });

    private static readonly ModelSpec Mixtral = ModelPresets.Get("mixtral-8x22b");

    private static SimulationResult Run(ModelSpec model, string layout, int nodes = 16, TrainingSpec? training = null) =>
        CostModel.Evaluate(Job(model, nodes, training), Layout.Parse(layout));

    [Fact]
    public void Should_Count_Model_Flops_From_The_Active_Parameters()
    {
        var r = Run(Mixtral, "dp=16,tp=2,pp=4,sp=on,ep=8,zero=1,recompute=full");
        double tokens = 512.0 * Mixtral.SequenceLength;
        double sixNd = 6 * r.ActiveParameters * tokens;
        // 6·N_active·D plus attention's s² terms (12·l·h·s per token, causal halves it): a few per cent above 6ND, far below 6·N_total·D.
        Assert.InRange(r.ModelFlopsPerStep / sixNd, 1.0, 1.25);
        Assert.True(r.Parameters > 3 * r.ActiveParameters, "Mixtral 8x22B has 141B parameters, 39B active");
    }

    [Fact]
    public void Should_Shard_Expert_Weights_And_Optimizer_State_Over_Ep()
    {
        var one = Run(Mixtral, "dp=16,tp=2,pp=4,sp=on,ep=1,zero=0,recompute=full");
        var eight = Run(Mixtral, "dp=16,tp=2,pp=4,sp=on,ep=8,zero=0,recompute=full");
        // Experts are ~96 % of Mixtral's weights: at ep=8 a device holds 1/8 of them, so its weights fall to well under a third.
        Assert.InRange(eight.Memory.Weights / one.Memory.Weights, 0.1, 0.3);
        Assert.InRange(eight.Memory.OptimizerStates / one.Memory.OptimizerStates, 0.1, 0.3);
        Assert.Equal(0, one.Time.ExpertParallelComm);
        Assert.True(eight.Time.ExpertParallelComm > 0, "ep=8 dispatches tokens with all-to-all");
    }

    [Fact]
    public void Should_Dispatch_Slower_When_The_Expert_Group_Crosses_Nodes()
    {
        // tp=1: ep=8 stays inside an 8-GPU node, ep=16 spans two nodes and sends half its tokens over the network.
        var model = ModelPresets.Get("qwen3-30b-a3b");
        var inside = Run(model, "dp=128,mb=1,ep=8,zero=1,recompute=full");
        var across = Run(model, "dp=128,mb=1,ep=16,zero=1,recompute=full");
        Assert.True(across.Time.ExpertParallelComm > 2 * inside.Time.ExpertParallelComm,
            $"across nodes {across.Time.ExpertParallelComm:G3} s vs inside {inside.Time.ExpertParallelComm:G3} s");
    }

    [Fact]
    public void Should_Wait_For_The_Busiest_Expert()
    {
        var balanced = Run(Mixtral, "dp=16,tp=2,pp=4,sp=on,ep=8,zero=1,recompute=full");
        var skewed = Run(Mixtral with { Moe = Mixtral.Moe! with { LoadImbalance = 1.5 } }, "dp=16,tp=2,pp=4,sp=on,ep=8,zero=1,recompute=full");
        Assert.True(skewed.StepTimeSeconds > 1.1 * balanced.StepTimeSeconds, $"{skewed.StepTimeSeconds} vs {balanced.StepTimeSeconds}");
        Assert.Equal(balanced.ModelFlopsPerStep, skewed.ModelFlopsPerStep);   // the same useful work, done later
        // A capacity factor caps what the busiest expert takes: tokens beyond it are dropped, not computed.
        var capped = Run(Mixtral with { Moe = Mixtral.Moe! with { LoadImbalance = 1.5, CapacityFactor = 1.0 } }, "dp=16,tp=2,pp=4,sp=on,ep=8,zero=1,recompute=full");
        Assert.Equal(balanced.StepTimeSeconds, capped.StepTimeSeconds, 6);
    }

    [Fact]
    public void Should_Move_More_Bytes_With_The_All_Gather_Dispatcher()
    {
        var training = new TrainingSpec { GlobalBatchSize = 512, Tokens = 1e12 };
        var allToAll = Run(Mixtral, "dp=16,tp=2,pp=4,sp=on,ep=8,zero=1,recompute=full", training: training);
        var allGather = Run(Mixtral, "dp=16,tp=2,pp=4,sp=on,ep=8,zero=1,recompute=full", training: training with { MoeDispatcher = MoeDispatcher.AllGather });
        Assert.True(allGather.Time.ExpertParallelComm > allToAll.Time.ExpertParallelComm,
            $"all-gather {allGather.Time.ExpertParallelComm:G3} s vs all-to-all {allToAll.Time.ExpertParallelComm:G3} s");
    }

    [Fact]
    public void Should_Hide_Dispatch_Behind_Compute_When_Overlapped()
    {
        var plain = Run(Mixtral, "dp=16,tp=2,pp=4,sp=on,ep=8,zero=1,recompute=full");
        var overlapped = Run(Mixtral, "dp=16,tp=2,pp=4,sp=on,ep=8,zero=1,recompute=full", training: new TrainingSpec { GlobalBatchSize = 512, Tokens = 1e12, MoeOverlap = true });
        Assert.True(overlapped.Time.ExpertParallelComm < plain.Time.ExpertParallelComm);
    }

    [Fact]
    public void Should_Count_Mla_Attention_With_Its_Low_Rank_Projections()
    {
        var v3 = ModelPresets.Get("deepseek-v3");
        var mha = v3 with { Mla = null, HeadDimension = 0 };   // plain multi-head attention of the same heads
        var mla = Run(v3, "dp=128,ep=16,zero=1,recompute=full", nodes: 16);
        var plain = Run(mha, "dp=128,ep=16,zero=1,recompute=full", nodes: 16);
        // MLA's compressed key-value projection replaces 2·h·(heads·dv) weights per layer by far fewer.
        Assert.True(mla.Parameters < plain.Parameters, $"{mla.Parameters:G3} vs {plain.Parameters:G3}");
        Assert.True(mla.Memory.Weights < plain.Memory.Weights);
    }
}
