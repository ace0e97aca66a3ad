using ScalePlanner.Executor.Distributed;
using ScalePlanner.Simulator.Layouts;

namespace ScalePlanner.Tests.Distributed;

public class PipelineOrderTests
{
    private static string Spell(IEnumerable<PipelineTask> order) => string.Join(" ", order.Select(t => $"{(t.Forward ? 'F' : 'B')}{t.MicroBatch}"));

    [Theory]
    [InlineData(0, "F0 F1 F2 F3 B0 F4 B1 F5 B2 B3 B4 B5")]   // first of 4 stages: 3 warm-up forwards
    [InlineData(2, "F0 F1 B0 F2 B1 F3 B2 F4 B3 F5 B4 B5")]
    [InlineData(3, "F0 B0 F1 B1 F2 B2 F3 B3 F4 B4 F5 B5")]   // last stage: strict alternation
    public void Should_Warm_Up_With_Stages_Minus_Stage_Minus_One_Forwards_Then_Alternate_In_1F1B(int stage, string expected) =>
        Assert.Equal(expected, Spell(PipelineOrder.For(PipelineSchedule.OneFOneB, stage, 4, 6)));

    [Fact]
    public void Should_Run_Every_Forward_Before_Any_Backward_In_GPipe() =>
        Assert.Equal("F0 F1 F2 B0 B1 B2", Spell(PipelineOrder.For(PipelineSchedule.GPipe, 1, 2, 3)));

    [Fact]
    public void Should_Keep_At_Most_Stages_Minus_Stage_Activations_Alive_In_1F1B()
    {
        for (int stage = 0; stage < 4; stage++)
        {
            int alive = 0, peak = 0;
            foreach (var task in PipelineOrder.For(PipelineSchedule.OneFOneB, stage, 4, 8))
            {
                alive += task.Forward ? 1 : -1;
                peak = Math.Max(peak, alive);
            }
            Assert.Equal(4 - stage, peak);
        }
    }
}
