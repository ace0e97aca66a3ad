using ScalePlanner.Simulator.Costs;
using ScalePlanner.Simulator.Hardware;
using ScalePlanner.Simulator.Layouts;
using ScalePlanner.Simulator.Profiles;
using ScalePlanner.Simulator.Simulation;
using ScalePlanner.Simulator.Specs;

namespace ScalePlanner.Tests.Simulator;

/// <summary>
/// The cost-model terms that follow what the executor (and Megatron-LM) run: the tied embedding's gradient all-reduce between
/// first and last stage, the vocabulary-parallel embedding and head's communication, the bias gradients, and the profile curves
/// of backward kernels and weight-gradient products with their fallbacks.
/// </summary>
public class ExecutorKernelCostTests
{
    private static TrainingJob Gpt2(bool tied, bool biases = true) => new(
        ModelPresets.Get("gpt2-small") with { TiedEmbeddings = tied, Biases = biases },
        ClusterSpec.Of(AcceleratorCatalog.Get("a100-sxm-80gb"), 1),
        new TrainingSpec { GlobalBatchSize = 64, Tokens = 1e9, FlashAttention = true });

    [Fact]
    public void Should_All_Reduce_The_Tied_Embedding_Gradient_Between_First_And_Last_Stage_Only_When_Tied()
    {
        // dp = 1 on the 8 devices, so the exposed data-parallel time is the embedding's all-reduce alone: fp32, its V/tp shard.
        var tied = Jobs.Run(Gpt2(tied: true), "dp=1,tp=4,pp=2,mb=4");
        var untied = Jobs.Run(Gpt2(tied: false), "dp=1,tp=4,pp=2,mb=4");
        var model = Gpt2(tied: true).Model;
        var link = new GroupLink(2, 4, Gpt2(tied: true).Cluster, AcceleratorCatalog.Get("a100-sxm-80gb").DefaultProfile);
        Assert.Equal(link.AllReduce(4.0 * model.Vocab / 4 * model.Hidden), tied.Time.DataParallelCommExposed, 12);
        Assert.Equal(0, untied.Time.DataParallelCommExposed);
    }

    [Fact]
    public void Should_Cost_The_Vocabulary_Parallel_Embedding_And_Head_Exchanges_With_Tensor_Parallelism_Only()
    {
        var model = new StepModel(Gpt2(tied: true));
        var split = model.Shape(Layout.Parse("dp=4,tp=2,mb=4"));
        var whole = model.Shape(Layout.Parse("dp=8,mb=4"));
        Assert.True(split.Embedding.TensorComm > 0, "the vocabulary-parallel embedding sums its partial lookups over tp");
        Assert.True(split.HeadComm.ForwardTensorComm > 0, "the parallel cross-entropy all-reduces per token in the forward");
        Assert.True(split.Head.TensorComm > split.HeadComm.ForwardTensorComm, "the output layer's f all-reduces in the backward");
        Assert.Equal(0, whole.Embedding.TensorComm);
        Assert.Equal(0, whole.Head.TensorComm);
    }

    [Fact]
    public void Should_Add_The_Bias_Gradient_Reductions_To_The_Backward_Only()
    {
        var model = new StepModel(Gpt2(tied: true));
        var layout = Layout.Parse("dp=8,mb=4");
        var withBiases = model.Shape(layout).Block;
        var without = new StepModel(Gpt2(tied: true, biases: false)).Shape(layout).Block;
        Assert.Equal(without.Forward, withBiases.Forward, 12);
        Assert.True(withBiases.Backward > without.Backward);
    }

    [Fact]
    public void Should_Use_A_Backward_Kernel_Curve_When_Measured_And_The_Forward_Class_Curve_Otherwise()
    {
        var slow = EfficiencyCurve.Saturating(0.2, 0);
        var fast = EfficiencyCurve.Saturating(0.9, 0);
        var profile = AcceleratorCatalog.Get("cpu").DefaultProfile with { MemoryKernels = [new MemoryKernelCurve(MemoryKernel.Activation, slow)] };
        Assert.Same(slow, profile.MemoryCurve(MemoryKernel.ActivationBackward));
        Assert.Same(profile.MemoryByMegabyte, profile.MemoryCurve(MemoryKernel.OptimizerStep));
        var measured = profile with { MemoryKernels = [new MemoryKernelCurve(MemoryKernel.Activation, slow), new MemoryKernelCurve(MemoryKernel.ActivationBackward, fast)] };
        Assert.Same(fast, measured.MemoryCurve(MemoryKernel.ActivationBackward));
    }

    [Fact]
    public void Should_Cost_Weight_Gradients_At_Their_Own_Curve_When_The_Profile_Has_One()
    {
        var job = Gpt2(tied: true);
        var layout = Layout.Parse("dp=8,mb=4");
        var catalog = job.Cluster.Accelerator.DefaultProfile;
        Assert.Same(catalog.GemmEfficiency(Precision.Bf16), catalog.WeightGradientGemmEfficiency(Precision.Bf16));
        var halfSpeed = catalog with { WeightGradientGemm = [new GemmCurve(Precision.Bf16, catalog.GemmEfficiency(Precision.Bf16).Scaled(0.5))] };
        var baseline = new StepModel(job, catalog).Shape(layout).Block;
        var slower = new StepModel(job, halfSpeed).Shape(layout).Block;
        Assert.Equal(baseline.Forward, slower.Forward, 12);
        Assert.True(slower.Backward > baseline.Backward * 1.15, $"weight gradients at half speed should lengthen the backward: {baseline.Backward} → {slower.Backward}");
    }
}
