using ScalePlanner.Simulator.Costs;
using ScalePlanner.Simulator.Hardware;
using ScalePlanner.Simulator.Layouts;
using ScalePlanner.Simulator.Simulation;
using ScalePlanner.Simulator.Specs;
using ScalePlanner.Simulator.Timeline;

namespace ScalePlanner.Tests.Simulator;

/// <summary>Pipeline stages that hold different numbers of layers (firstStageLayers / lastStageLayers), against hand-worked cases.</summary>
public class UnevenStagesTests
{
    [Fact]
    public void Should_Split_Llama3_405B_As_Meta_Did_With_One_Layer_Fewer_On_The_First_And_Last_Of_16_Stages()
    {
        var split = Layout.Parse("dp=128,tp=8,pp=16,firstStageLayers=7,lastStageLayers=7").Stages(ModelPresets.Get("llama3-405b"));
        Assert.Equal((7, 8, 7), (split.First, split.Middle, split.Last));
        Assert.Equal(126, Enumerable.Range(0, 16).Sum(split.OnStage));
        Assert.Equal(7 + 8 * 14, split.FirstLayerOf(15));
    }

    [Fact]
    public void Should_Put_The_Missing_Layer_In_The_Embedding_And_Head_Chunks_With_Interleaving()
    {
        // 126 layers on pp=8·vp=8 with embedding and loss counted as a layer each (Megatron-Core account_for_*_in_pipeline_split):
        // 64 chunks of 2 "layers", the first chunk holding the embedding and one block, the last one block and the loss.
        var split = Layout.Parse("pp=8,vp=8,firstStageLayers=15,lastStageLayers=15").Stages(ModelPresets.Get("llama3-405b"));
        int[] chunks = [.. Enumerable.Range(0, 64).Select(split.InChunk)];
        Assert.Equal(1, chunks[0]);
        Assert.Equal(1, chunks[63]);
        Assert.All(chunks[1..63], layers => Assert.Equal(2, layers));
        Assert.Equal(126, chunks.Sum());
    }

    [Theory]
    [InlineData("pp=16", "model.layers")]                                    // 126 is not divisible by 16
    [InlineData("pp=16,firstStageLayers=7", "layout.firstStageLayers")]      // 119 layers left over 15 stages
    [InlineData("pp=1,firstStageLayers=7", "layout.firstStageLayers")]
    [InlineData("pp=8,vp=3,firstStageLayers=15,lastStageLayers=15", "layout.vp")] // 16 layers per middle stage do not split into 3 chunks
    [InlineData("pp=8,vp=4,firstStageLayers=13,lastStageLayers=17", "layout.vp")] // 13 is neither a multiple of 4 nor one fewer
    public void Should_Refuse_A_Split_That_Does_Not_Add_Up_Naming_The_Field(string layout, string field)
    {
        var error = StageSplit.TryOf(126, Layout.Parse(layout), out _);
        Assert.Equal(field, Assert.IsType<SpecException>(error).Field);
    }

    [Fact]
    public void Should_Print_The_Uneven_Keys_Only_When_Given_And_Read_Them_Back()
    {
        var layout = Layout.Parse("dp=2,pp=4,firstStageLayers=3,lastStageLayers=5");
        Assert.EndsWith(",firstStageLayers=3,lastStageLayers=5", layout.ToString());
        Assert.Equal(layout, Layout.Parse(layout.ToString()));
        Assert.DoesNotContain("StageLayers", Layout.Parse("dp=2,pp=4").ToString());
    }

    [Fact]
    public void Should_Report_The_Memory_Of_The_Second_Stage_When_It_Holds_The_Most_Activations()
    {
        // 6 layers on 4 stages as 1 | 2 | 2 | 1. With 1F1B and 8 micro-batches stage s holds min(8, 4 − s) micro-batches in flight:
        // stage 0: 4 × 1 layer = 4, stage 1: 3 × 2 = 6, stage 2: 2 × 2 = 4, stage 3: 1 × 1 = 1 layer's activations. Stage 1 is the worst.
        var model = new ModelSpec
        {
            Name = "long", Layers = 6, Hidden = 1024, Heads = 8, KvHeads = 8, FfnHidden = 4096, Vocab = 1024, SequenceLength = 8192,
            GatedMlp = false, Biases = true, Norm = NormKind.LayerNorm, Positions = PositionEmbedding.Learned,
        };
        var job = new TrainingJob(model, ClusterSpec.Of(AcceleratorCatalog.Get("h100-sxm"), 1) with { DevicesPerNode = 4 },
            new TrainingSpec { GlobalBatchSize = 8, Tokens = 1e9 });
        var layout = Layout.Parse("pp=4,mb=1,firstStageLayers=1,lastStageLayers=1");
        var result = CostModel.Evaluate(job, layout);
        Assert.Equal(6 * ActivationMemory.PerBlock(model, layout, flashAttention: true), result.Memory.Activations, 6);
    }

    [Fact]
    public void Should_Pace_The_Pipeline_By_The_Slowest_Stage_In_The_Timeline()
    {
        // Three stages, forward/backward 1/2, 2/4, 1/2 per micro-batch, four micro-batches, 1F1B. By hand: stage 1 starts at 1, after
        // stage 0's first forward; its two forwards end at 5; stage 2's first forward and backward run 3–6, so stage 1 idles 5–6; from
        // then on it never waits: 4 × 6 busy + 1 idle ends at 26, and stage 0's last backward runs 26–28.
        var work = new[] { ChunkWork.ComputeOnly(1, 2), ChunkWork.ComputeOnly(2, 4), ChunkWork.ComputeOnly(1, 2) };
        var result = StepTimeline.Run(new StepWorkload(3, 1, 4, 1, PipelineSchedule.OneFOneB, work));
        Assert.Equal(28, result.StepTimeSeconds);
    }

    [Fact]
    public void Should_Bound_The_Closed_Form_Bubble_By_The_Stages_Other_Than_The_Slowest()
    {
        // Closed form: (m − 1)·max t + Σ t; the bubble is Σ t − max t. Same job, even against uneven: moving a layer off the two end
        // stages of Llama 3 405B's 16 leaves the middle stages (8 layers) the slowest, and the bubble is the other 15 stages' time.
        var job = Jobs.Of("llama3-405b", "h100-sxm", 2048, 2048);
        var uneven = Jobs.Run(job, "dp=128,tp=8,pp=16,sp=on,mb=1,recompute=full,firstStageLayers=7,lastStageLayers=7");
        var model = new StepModel(job);
        var layout = Layout.Parse("dp=128,tp=8,pp=16,sp=on,mb=1,recompute=full,firstStageLayers=7,lastStageLayers=7");
        var shape = model.Shape(layout);
        double stage(int v) => model.ChunkCost(shape, layout, v).Cost.Total;
        double sum = Enumerable.Range(0, 16).Sum(stage), slowest = Enumerable.Range(0, 16).Max(stage);
        Assert.Equal(stage(1), slowest);
        Assert.Equal(sum - slowest, uneven.Time.PipelineBubble, 9);
    }
}
