using ScalePlanner.Calibration.Measurement;

namespace ScalePlanner.Tests.Calibration;

/// <summary>A synthetic timer preempted now and then: a preempted repetition is only ever slower.</summary>
public class RobustEstimateTests
{
    /// <summary>Seven repetitions at 10 ms × (1 ± 1 %), the ones listed preempted to three times as long.</summary>
    private static double[] Timer(params int[] preempted) =>
        [.. Enumerable.Range(0, 7).Select(i => 0.010 * (1 + 0.01 * Math.Sin(2.3 * i)) * (preempted.Contains(i) ? 3 : 1))];

    [Fact]
    public void Should_Keep_The_Estimate_When_Most_Repetitions_Are_Preempted()
    {
        var stats = Statistics.Summarise(Timer(0, 2, 4, 6));   // four of seven preempted: the median is one of them
        Assert.Equal(0.010, stats.Estimate, 0.010 * 0.03);
        Assert.True(stats.Median > 0.020);
    }

    [Fact]
    public void Should_Keep_Every_Repetition_And_Estimate_From_Them()
    {
        var seconds = Timer(3);
        var stats = Statistics.Summarise(seconds);
        Assert.Equal(seconds, stats.Seconds);
        Assert.Equal(7, stats.Samples);
        Assert.Equal(Statistics.Robust(seconds), stats.Estimate);
        Assert.True(stats.Estimate < stats.Median);
    }

    [Fact]
    public void Should_Resample_Within_The_Measured_Repetitions()
    {
        var stats = Statistics.Summarise(Timer(1, 5));
        var random = new Random(3);
        for (int i = 0; i < 50; i++)
        {
            var drawn = Statistics.Resample(stats, random);
            Assert.InRange(drawn.Estimate, stats.Seconds!.Min(), stats.Seconds!.Max());
            Assert.Equal(stats.Median, drawn.Median);
        }
    }

    [Fact]
    public void Should_Estimate_By_The_Median_Where_A_Record_Kept_No_Repetitions()
    {
        var old = new ScalePlanner.Simulator.Profiles.TimingStats(0.02, 0.015, 0.03, 5);
        Assert.Equal(0.02, old.Estimate);
        Assert.Same(old, Statistics.Resample(old, new Random(1)));
    }
}
