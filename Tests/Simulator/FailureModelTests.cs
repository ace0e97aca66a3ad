using ScalePlanner.Simulator.Costs;
using ScalePlanner.Simulator.Hardware;

namespace ScalePlanner.Tests.Simulator;

public class FailureModelTests
{
    private static readonly ReliabilitySpec Reliability = new(50_000, 2, 600);

    [Fact]
    public void Should_Choose_The_Interval_That_Minimises_Wall_Time()
    {
        var best = FailureModel.Of(30 * 86400, 2.5e12, 4096, 512, Reliability);
        double system = 50_000 * 3600 / 4096.0, write = best.CheckpointWriteSeconds;
        double Wall(double tau) => 30 * 86400 * (1 + write / tau) / (1 - (tau / 2 + 600) / system);
        Assert.Equal(Math.Sqrt(2 * write * system), best.CheckpointIntervalSeconds, 6);
        Assert.True(Wall(best.CheckpointIntervalSeconds * 0.8) > best.WallSeconds);
        Assert.True(Wall(best.CheckpointIntervalSeconds * 1.25) > best.WallSeconds);
    }

    [Fact]
    public void Should_Lose_More_Goodput_On_More_Devices()
    {
        var small = FailureModel.Of(86400, 1e12, 512, 64, Reliability);
        var large = FailureModel.Of(86400, 1e12, 16384, 2048, Reliability);
        Assert.InRange(small.Goodput, 0.9, 1.0);
        Assert.True(large.Goodput < small.Goodput);
        Assert.True(large.ExpectedInterruptions > small.ExpectedInterruptions);
    }

    [Fact]
    public void Should_Report_Zero_Goodput_When_Failures_Outpace_Recovery()
    {
        var hopeless = FailureModel.Of(86400, 1e12, 100_000, 12_500, new ReliabilitySpec(100, 1, 3600));
        Assert.Equal(0, hopeless.Goodput);
        Assert.True(double.IsPositiveInfinity(hopeless.WallSeconds));
    }
}
