using ScalePlanner.Executor.Data;
using ScalePlanner.Executor.Model;
using ScalePlanner.Executor.Training;
using static TorchSharp.torch;

namespace ScalePlanner.Tests.Executor;

[Collection(TorchCollection.Name)]
public class NumericalGuardTests
{
    /// <summary>Ten losses 1.00 … 1.09 (median 1.045, MAD 0.025), then the given one.</summary>
    private static NumericalGuard Warmed(GuardOptions options)
    {
        var guard = new NumericalGuard(options);
        for (int i = 0; i < 10; i++) Assert.Equal(StepVerdict.Apply, guard.Judge(i, 1.0 + 0.01 * i, finite: true).Verdict);
        return guard;
    }

    [Fact]
    public void Should_Score_By_Median_And_Median_Absolute_Deviation()
    {
        var detector = new SpikeDetector(window: 10);
        for (int i = 1; i <= 10; i++) detector.Accept(i);
        // median 5.5; absolute deviations 0.5 … 4.5 twice, median 2.5; z = 0.6745 · (15 − 5.5) / 2.5
        Assert.Equal(0.6745 * 9.5 / 2.5, detector.Score(15), 12);
        Assert.True(detector.Score(3) < 0, "a loss below the median is no spike");
        detector.Accept(100);
        Assert.Equal(10, detector.History.Count);
        Assert.DoesNotContain(1.0, detector.History);
    }

    [Theory]
    [InlineData(SpikeAction.Warn, StepVerdict.Apply)]
    [InlineData(SpikeAction.Skip, StepVerdict.Skip)]
    [InlineData(SpikeAction.Rollback, StepVerdict.Rollback)]
    public void Should_Act_On_A_Spike_As_Configured(SpikeAction action, StepVerdict expected)
    {
        var guard = Warmed(new GuardOptions(action, SpikeWindow: 10));
        var (verdict, spike) = guard.Judge(10, 1.5, finite: true);   // z = 0.6745 · 0.455 / 0.025 ≈ 12
        Assert.True(spike);
        Assert.Equal(expected, verdict);
        Assert.False(guard.Judge(11, 1.06, finite: true).Spike);
    }

    [Fact]
    public void Should_Skip_Non_Finite_Steps_And_Stop_After_Too_Many_In_A_Row()
    {
        var guard = Warmed(new GuardOptions(MaxConsecutiveBadSteps: 3));
        Assert.Equal(StepVerdict.Skip, guard.Judge(10, double.NaN, finite: false).Verdict);
        Assert.Equal(StepVerdict.Skip, guard.Judge(11, 1.02, finite: false).Verdict);
        Assert.Equal(2, guard.ConsecutiveBad);
        Assert.Equal(StepVerdict.Apply, guard.Judge(12, 1.03, finite: true).Verdict);
        Assert.Equal(0, guard.ConsecutiveBad);
        guard.Judge(13, double.PositiveInfinity, finite: false);
        guard.Judge(14, double.NaN, finite: false);
        var diverged = Assert.Throws<TrainingDivergedException>(() => guard.Judge(15, double.NaN, finite: false));
        Assert.Equal("training diverged at step 16: 3 consecutive steps with a non-finite loss or gradients", diverged.Message);
    }

    [Fact]
    public void Should_Stop_When_The_Loss_Passes_Its_Bound()
    {
        var guard = Warmed(new GuardOptions(LossBound: 5));
        var diverged = Assert.Throws<TrainingDivergedException>(() => guard.Judge(10, 5.5, finite: true));
        Assert.Contains("loss 5.5000 is above the bound 5.0000", diverged.Message);
    }

    [Fact]
    public void Should_Skip_Every_Step_Of_A_Model_With_An_Infinite_Weight_Then_Report_Divergence()
    {
        var source = new MarkovSource(TinyModels.Gpt.Vocab, 2, seed: 4);
        manual_seed(7);
        using var model = new GptModel(TinyModels.Gpt);
        using (no_grad()) model.parameters().First().flatten()[0] = tensor(float.PositiveInfinity);
        var seen = new List<bool>();
        var options = new TrainerOptions(8, 8, 10, new LearningRateSchedule(1e-3, 1, 10)) { Guards = new GuardOptions(MaxConsecutiveBadSteps: 4) };
        var diverged = Assert.Throws<TrainingDivergedException>(() => Trainer.Run(model, options, new SyntheticBatches(source, TinyModels.Gpt.SequenceLength, seed: 3), m => seen.Add(m.Skipped)));
        Assert.Equal(3, diverged.Step);
        Assert.Equal([true, true, true], seen);
    }
}
