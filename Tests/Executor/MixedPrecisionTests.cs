using ScalePlanner.Executor.Data;
using ScalePlanner.Executor.Model;
using ScalePlanner.Executor.Training;
using ScalePlanner.Simulator.Specs;
using static TorchSharp.torch;

namespace ScalePlanner.Tests.Executor;

[Collection(TorchCollection.Name)]
public class MixedPrecisionTests
{
    private static readonly ModelSpec Tiny = TinyModels.Gpt;

    [Fact]
    public void Should_Halve_The_Scale_On_Overflow_And_Double_It_After_The_Growth_Interval()
    {
        var scaler = new DynamicLossScaler(1024, growthInterval: 3);
        scaler.Update(finite: false);
        Assert.Equal(512, scaler.Scale);
        scaler.Update(true);
        scaler.Update(true);
        Assert.Equal(512, scaler.Scale);
        scaler.Update(true);
        Assert.Equal(1024, scaler.Scale);
        Assert.Equal(0, scaler.GoodSteps);
    }

    [Fact]
    public void Should_Skip_An_Overflowing_Fp16_Step_Leave_The_Weights_Alone_And_Lower_The_Scale()
    {
        var source = new MarkovSource(Tiny.Vocab, 2, seed: 4);
        manual_seed(7);
        using var model = new GptModel(Tiny);
        // 2^32: the loss gradient reaching the fp16 logits is up to 2^32 / (8 rows · 32 tokens) = 2^24, far above fp16's 65,504.
        var options = new TrainerOptions(8, 8, 1, new LearningRateSchedule(3e-3, 1, 1), Precision: Precision.Fp16) { InitialLossScale = Math.Pow(2, 32) };
        var before = model.parameters().Select(p => p.detach().to(float32).clone()).ToList();
        var first = Trainer.Run(model, options, new SyntheticBatches(source, Tiny.SequenceLength, seed: 3)).Single();
        Assert.True(first.Skipped);
        Assert.True(double.IsFinite(first.Loss), "the fp32 loss itself is finite; only the scaled gradients overflowed");
        Assert.All(model.parameters().Zip(before), pair => Assert.True(pair.First.equal(pair.Second.to(ScalarType.Float16)).all().item<bool>(), "a skipped step must not move a weight (beyond the rounding to fp16)"));

        manual_seed(7);
        using var fresh = new GptModel(Tiny);
        var steps = Trainer.Run(fresh, options with { Steps = 30 }, new SyntheticBatches(source, Tiny.SequenceLength, seed: 3));
        for (int i = 1; i < steps.Count; i++)
            Assert.Equal(steps[i - 1].Skipped ? steps[i - 1].LossScale / 2 : steps[i - 1].LossScale, steps[i].LossScale);
        Assert.True(steps[^1].LossScale < Math.Pow(2, 32));
        Assert.False(steps[^1].Skipped, $"the scale should have fallen to a safe value by step 30; it is {steps[^1].LossScale}");
    }

    [Fact]
    public void Should_Train_In_Fp16_With_Loss_Scaling_Towards_The_Sources_Entropy()
    {
        var source = new MarkovSource(Tiny.Vocab, 2, seed: 4);
        manual_seed(7);
        using var model = new GptModel(Tiny);
        var metrics = Trainer.Run(model, new TrainerOptions(16, 8, 60, new LearningRateSchedule(3e-3, 6, 60), Precision: Precision.Fp16), new SyntheticBatches(source, Tiny.SequenceLength, seed: 3));
        Assert.All(model.parameters(), p => Assert.Equal(ScalarType.Float16, p.dtype));
        // From the default 2^16 the scale can only fall here (60 steps never reach the 2,000-step growth interval), and only a
        // few early steps may overflow before it settles: each overflow halves it.
        Assert.All(metrics, m => Assert.True(m.LossScale <= 65536));
        Assert.InRange(metrics.Count(m => m.Skipped), 0, 3);
        double start = metrics[0].Loss, end = metrics.TakeLast(5).Average(m => m.Loss);
        Assert.True(end < source.EntropyRate + 0.5 * (start - source.EntropyRate), $"fp16 loss {start:F3} → {end:F3}, entropy rate {source.EntropyRate:F3}");
    }
}
