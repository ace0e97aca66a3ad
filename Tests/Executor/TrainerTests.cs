using ScalePlanner.Executor.Data;
using ScalePlanner.Executor.Measurements;
using ScalePlanner.Executor.Model;
using ScalePlanner.Executor.Training;
using ScalePlanner.Simulator.Layouts;
using ScalePlanner.Simulator.Specs;
using static TorchSharp.torch;

namespace ScalePlanner.Tests.Executor;

[Collection(TorchCollection.Name)]
public class TrainerTests
{
    private static readonly ModelSpec Tiny = TinyModels.Gpt;

    private static SyntheticBatches Batches(MarkovSource source, int seed) => new(source, Tiny.SequenceLength, seed);

    [Fact]
    public void Should_Warm_Up_Linearly_Then_Decay_By_Cosine_To_The_Floor()
    {
        var schedule = new LearningRateSchedule(1e-3, 10, 110);
        Assert.Equal(1e-4, schedule.At(0), 12);
        Assert.Equal(1e-3, schedule.At(9), 12);
        Assert.Equal(0.55e-3, schedule.At(60), 12);   // halfway through the decay: floor + (peak − floor)/2
        Assert.Equal(1e-4, schedule.At(110), 12);
        for (int s = 10; s < 110; s++) Assert.True(schedule.At(s + 1) <= schedule.At(s));
    }

    [Fact]
    public void Should_Give_The_Same_Step_With_Gradient_Accumulation_As_With_One_Large_Micro_Batch()
    {
        var source = new MarkovSource(Tiny.Vocab, 3, seed: 2);
        var options = new TrainerOptions(8, 8, 1, new LearningRateSchedule(0.1, 1, 1), OptimizerKind.Sgd, WeightDecay: 0, ClipNorm: 1e9);
        manual_seed(5);
        using var whole = new GptModel(Tiny);
        using var accumulated = new GptModel(Tiny);
        using (no_grad())
        {
            foreach (var (copy, original) in accumulated.parameters().Zip(whole.parameters())) copy.copy_(original);   // the same start, whatever else used the RNG
        }
        var initial = whole.parameters().Select(p => p.detach().clone()).ToList();
        Trainer.Run(whole, options, Batches(source, seed: 9));
        Trainer.Run(accumulated, options with { MicroBatch = 2 }, Batches(source, seed: 9));
        // Compare the whole update, relative to its size: fp32 sums in another order (another thread count) move single
        // elements by rounding, while a missing micro-batch or a wrong 1/accumulation factor moves the update by ≥ 25 %.
        using var wholeUpdate = cat(whole.parameters().Zip(initial, (p, p0) => (p - p0).flatten()).ToList());
        using var accumulatedUpdate = cat(accumulated.parameters().Zip(initial, (p, p0) => (p - p0).flatten()).ToList());
        double relative = (wholeUpdate - accumulatedUpdate).norm().item<float>() / wholeUpdate.norm().item<float>();
        Assert.True(relative < 1e-3, $"accumulated update differs from the large micro-batch's by {relative:E2} of its norm");
    }

    [Fact]
    public void Should_Be_Deterministic_Under_A_Seed_And_Learn_Towards_The_Sources_Entropy()
    {
        var source = new MarkovSource(Tiny.Vocab, 2, seed: 4);
        var options = new TrainerOptions(16, 8, 80, new LearningRateSchedule(3e-3, 10, 80));
        List<StepMetrics> Train()
        {
            manual_seed(7);
            using var model = new GptModel(Tiny);
            return Trainer.Run(model, options, Batches(source, seed: 3));
        }
        var first = Train();
        var second = Train();
        Assert.Equal(first.Select(m => m.Loss), second.Select(m => m.Loss));
        double start = first[0].Loss, end = first.TakeLast(5).Average(m => m.Loss);
        Assert.InRange(start, Math.Log(Tiny.Vocab) - 0.3, Math.Log(Tiny.Vocab) + 0.3);
        Assert.True(end < source.EntropyRate + 0.5 * (start - source.EntropyRate), $"loss {start:F3} → {end:F3}, entropy rate {source.EntropyRate:F3}");
        Assert.True(end > source.EntropyRate - 0.05, "no model beats the source's entropy rate");
        Assert.All(first, m => Assert.True(m.ForwardSeconds > 0 && m.BackwardSeconds > 0 && m.GradientNorm > 0 && m.TokensPerSecond > 0));
    }

    [Fact]
    public void Should_Train_In_Bf16_With_Fp32_Master_Weights()
    {
        var source = new MarkovSource(Tiny.Vocab, 2, seed: 4);
        manual_seed(7);
        using var model = new GptModel(Tiny);
        var metrics = Trainer.Run(model, new TrainerOptions(16, 8, 60, new LearningRateSchedule(3e-3, 6, 60), Precision: Precision.Bf16), Batches(source, seed: 3));
        Assert.All(model.parameters(), p => Assert.Equal(ScalarType.BFloat16, p.dtype));
        double start = metrics[0].Loss, end = metrics.TakeLast(5).Average(m => m.Loss);
        Assert.True(end < source.EntropyRate + 0.5 * (start - source.EntropyRate), $"bf16 loss {start:F3} → {end:F3}, entropy rate {source.EntropyRate:F3}");
    }
}
