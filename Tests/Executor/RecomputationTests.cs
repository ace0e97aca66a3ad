using static TorchSharp.torch;
using ScalePlanner.Executor.Data;
using ScalePlanner.Executor.Model;
using ScalePlanner.Executor.Training;
using ScalePlanner.Simulator.Layouts;
using ScalePlanner.Simulator.Specs;

namespace ScalePlanner.Tests.Executor;

[Collection(TorchCollection.Name)]
public class RecomputationTests
{
    /// <summary>Gradients of one batch's loss, flattened into one vector, from a model built under <paramref name="seed"/>.</summary>
    private static Tensor Gradients(ModelSpec spec, RecomputeMode recompute, bool fused, int seed)
    {
        manual_seed(seed);
        using var model = new GptModel(spec, fused, recompute);
        var (inputs, targets) = new SyntheticBatches(new MarkovSource(spec.Vocab, 3, seed: 2), spec.SequenceLength, seed: 5).Next(4);
        nn.functional.cross_entropy(model.forward(inputs).view(-1, spec.Vocab), targets.reshape(-1)).backward();
        return cat(model.parameters().Select(p => p.grad!.flatten()).ToList()).detach().clone();
    }

    [Theory]
    [InlineData(RecomputeMode.Selective, false)]
    [InlineData(RecomputeMode.Full, false)]
    [InlineData(RecomputeMode.Selective, true)]
    [InlineData(RecomputeMode.Full, true)]
    public void Should_Give_The_Gradients_Of_No_Recomputation(RecomputeMode recompute, bool fused)
    {
        // Grouped-query heads and rotary positions too, so every path of the block runs again in backward.
        var spec = TinyModels.Gpt with { KvHeads = 2, Positions = PositionEmbedding.Rotary, TiedEmbeddings = false };
        using var plain = Gradients(spec, RecomputeMode.None, fused, seed: 11);
        using var recomputed = Gradients(spec, recompute, fused, seed: 11);
        // The same fp32 kernels run on the same inputs, so only the order in which parameter gradients are summed can differ:
        // rounding of order 1e-7 relative; a missing path (a gradient not accumulated) moves the vector by ≥ 1e-2 of its norm.
        double relative = (plain - recomputed).norm().item<float>() / plain.norm().item<float>();
        Assert.True(relative < 1e-5, $"{recompute} gradients differ from no recomputation by {relative:E2} of their norm");
        Assert.True(plain.norm().item<float>() > 0);
    }

    [Fact]
    public void Should_Lower_The_Peak_Resident_Memory_Under_Full_Recomputation()
    {
        // Unfused attention, 4 blocks, 8 × 512 tokens: without recomputation each block keeps ≈ 180 MB (the 4-head 512 × 512
        // scores, mask sum and probabilities alone are 100 MB); full recomputation keeps the four 4 MB block inputs and one
        // block's activations at a time.
        var spec = TinyModels.Gpt with { Layers = 4, Hidden = 256, FfnHidden = 1024, Vocab = 256, SequenceLength = 512 };
        long Peak(RecomputeMode recompute)
        {
            manual_seed(3);
            using var model = new GptModel(spec, fusedAttention: false, recompute);
            var options = new TrainerOptions(8, 8, 1, new LearningRateSchedule(1e-3, 1, 1), OptimizerKind.Sgd);
            return Trainer.Run(model, options, new SyntheticBatches(new MarkovSource(spec.Vocab, 3, seed: 2), spec.SequenceLength, seed: 5)).Single().PeakMemoryBytes;
        }
        Assert.True(ProcessMemory.Available, "needs Linux's /proc/self/status and /proc/self/clear_refs");
        // Full first: memory the allocator keeps after a run stays resident and raises the next run's floor, so the smaller
        // run goes first and cannot be lifted by the larger one.
        long full = Peak(RecomputeMode.Full), none = Peak(RecomputeMode.None);
        // Predicted gap ≈ 4 × 180 − (16 + 180) ≈ 520 MB; 200 MB leaves room for allocator slack while a recomputation that
        // freed nothing (gap ≈ 0) still fails.
        Assert.True(none - full > 200L << 20, $"peak resident bytes: none {none >> 20} MiB, full {full >> 20} MiB");
    }
}
