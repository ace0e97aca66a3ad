using ScalePlanner.Simulator.Layouts;
using ScalePlanner.Simulator.Timeline;

namespace ScalePlanner.Tests.Simulator.Timeline;

/// <summary>With uniform stages and no communication the simulated bubble is the published one, exactly.</summary>
public class PipelineBubbleTests
{
    // Forward 1 and backward 2 per micro-batch and chunk: whole numbers, so every sum the simulation makes is exact.
    private const double Forward = 1, Backward = 2;

    [Theory]
    [InlineData(2, 1)]
    [InlineData(2, 8)]
    [InlineData(4, 4)]
    [InlineData(4, 16)]
    [InlineData(8, 3)]
    [InlineData(8, 64)]
    [InlineData(16, 32)]
    public void Should_Give_Bubble_Of_P_Minus_1_Over_M_For_1F1B_And_GPipe(int p, int m)
    {
        foreach (var schedule in new[] { PipelineSchedule.OneFOneB, PipelineSchedule.GPipe })
        {
            var result = StepTimeline.Run(Uniform(schedule, p, 1, m));
            Assert.Equal((p - 1.0) / m, result.BubbleFraction);
            Assert.Equal((m + p - 1) * (Forward + Backward), result.StepTimeSeconds);
            Assert.All(result.Groups, g => Assert.Equal((p - 1) * (Forward + Backward), g.Time.PipelineBubble));
        }
    }

    [Theory]
    [InlineData(2, 2, 2)]
    [InlineData(2, 2, 8)]
    [InlineData(4, 2, 4)]
    [InlineData(4, 2, 16)]
    [InlineData(4, 4, 8)]
    [InlineData(8, 2, 64)]
    [InlineData(8, 3, 16)]
    public void Should_Give_Bubble_Of_P_Minus_1_Over_V_M_For_Interleaved(int p, int v, int m)
    {
        // A device's passes per micro-batch take v·(t_f + t_b); the bubble is (p−1)·v·(t_f + t_b)/v = (p−1)·(t_f + t_b) of chunk time.
        var result = StepTimeline.Run(Uniform(PipelineSchedule.Interleaved, p, v, m));
        Assert.Equal((p - 1.0) / (v * m), result.BubbleFraction);
        Assert.Equal((m * v + p - 1) * (Forward + Backward), result.StepTimeSeconds);
        Assert.All(result.Groups, g => Assert.Equal((p - 1) * (Forward + Backward), g.Time.PipelineBubble));
    }

    [Theory]
    [InlineData(PipelineSchedule.Interleaved, 4, 2, 3)]    // fewer micro-batches than stages
    [InlineData(PipelineSchedule.Interleaved, 4, 2, 10)]   // not a multiple of the stages (Megatron-LM refuses it; the schedule still runs)
    [InlineData(PipelineSchedule.Interleaved, 3, 4, 5)]
    [InlineData(PipelineSchedule.OneFOneB, 8, 1, 3)]
    [InlineData(PipelineSchedule.GPipe, 5, 1, 2)]
    public void Should_Finish_Every_Schedule_Without_Deadlock_And_With_At_Least_The_Published_Bubble(PipelineSchedule schedule, int p, int v, int m)
    {
        var result = StepTimeline.Run(Uniform(schedule, p, v, m));
        Assert.Equal(m * v * (Forward + Backward), result.Time.Compute);
        Assert.True(result.BubbleFraction >= (p - 1.0) / (v * m) - 1e-12, $"bubble {result.BubbleFraction} below (p−1)/(v·m)");
    }

    [Fact]
    public void Should_Have_No_Bubble_Without_A_Pipeline()
    {
        var result = StepTimeline.Run(Uniform(PipelineSchedule.OneFOneB, 1, 1, 8));
        Assert.Equal(0, result.Time.PipelineBubble);
        Assert.Equal(8 * (Forward + Backward), result.StepTimeSeconds);
    }

    internal static StepWorkload Uniform(PipelineSchedule schedule, int p, int v, int m) =>
        new(p, v, m, 1, schedule, [.. Enumerable.Repeat(ChunkWork.ComputeOnly(Forward, Backward), p * v)]);
}
