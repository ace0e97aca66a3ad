using ScalePlanner.Simulator.Layouts;
using ScalePlanner.Simulator.Timeline;

namespace ScalePlanner.Tests.Simulator.Timeline;

/// <summary>Each stage's order of passes against sequences written out by hand from the papers' figures and Megatron-LM's rules.</summary>
public class PipelineScheduleTests
{
    [Fact]
    public void Should_Run_Every_Forward_Then_Every_Backward_Under_GPipe()
    {
        // Huang et al. 2019 Fig. 2; Narayanan et al. SC21 Fig. 3: the same order on every stage.
        for (int stage = 0; stage < 3; stage++)
            Assert.Equal("F0 F1 F2 F3 B0 B1 B2 B3", Order(PipelineSchedule.GPipe, 3, 1, 4, stage));
    }

    [Theory]
    // Narayanan et al. SC21 Fig. 4 (top), 1F1B with 4 stages and 8 micro-batches, numbered from 0: p − s − 1 warm-up
    // forwards, then one forward and one backward in turn, then the drain.
    [InlineData(PipelineSchedule.OneFOneB, 1, 0, "F0 F1 F2 F3 B0 F4 B1 F5 B2 F6 B3 F7 B4 B5 B6 B7")]
    [InlineData(PipelineSchedule.OneFOneB, 1, 1, "F0 F1 F2 B0 F3 B1 F4 B2 F5 B3 F6 B4 F7 B5 B6 B7")]
    [InlineData(PipelineSchedule.OneFOneB, 1, 2, "F0 F1 B0 F2 B1 F3 B2 F4 B3 F5 B4 F6 B5 F7 B6 B7")]
    [InlineData(PipelineSchedule.OneFOneB, 1, 3, "F0 B0 F1 B1 F2 B2 F3 B3 F4 B4 F5 B5 F6 B6 F7 B7")]
    // Fig. 4 (bottom), interleaved with 2 chunks per device ("/1" is the second chunk). Megatron-LM: groups of p micro-batches
    // go through chunk 0 then chunk 1; warm-up 2(p − s − 1) + (v − 1)p forwards; backwards take the chunks in reverse.
    [InlineData(PipelineSchedule.Interleaved, 2, 0, "F0 F1 F2 F3 F0/1 F1/1 F2/1 F3/1 F4 F5 " +
                                                    "F6 B0/1 F7 B1/1 F4/1 B2/1 F5/1 B3/1 F6/1 B0 F7/1 B1 " +
                                                    "B2 B3 B4/1 B5/1 B6/1 B7/1 B4 B5 B6 B7")]
    [InlineData(PipelineSchedule.Interleaved, 2, 3, "F0 F1 F2 F3 " +
                                                    "F0/1 B0/1 F1/1 B1/1 F2/1 B2/1 F3/1 B3/1 F4 B0 F5 B1 F6 B2 F7 B3 F4/1 B4/1 F5/1 B5/1 F6/1 B6/1 F7/1 B7/1 " +
                                                    "B4 B5 B6 B7")]
    public void Should_Match_The_Published_Order_For_4_Stages_And_8_Micro_Batches(PipelineSchedule schedule, int chunks, int stage, string expected) =>
        Assert.Equal(expected, Order(schedule, 4, chunks, 8, stage));

    [Fact]
    public void Should_Only_Warm_Up_And_Drain_Under_1F1B_When_Micro_Batches_Are_Few()
    {
        // m < p − s − 1: the warm-up is cut at m (Megatron-LM: num_warmup_microbatches = min(p − s − 1, m)).
        Assert.Equal("F0 F1 B0 B1", Order(PipelineSchedule.OneFOneB, 4, 1, 2, 0));
        Assert.Equal("F0 B0 F1 B1", Order(PipelineSchedule.OneFOneB, 4, 1, 2, 3));
    }

    [Fact]
    public void Should_Warm_Up_With_Everything_Under_Interleaved_When_Warm_Up_Covers_The_Step()
    {
        // p = m = 2, v = 2: stage 0's warm-up 2·1 + 1·2 = 4 is every forward; stage 1 warms up with 2.
        Assert.Equal("F0 F1 F0/1 F1/1 B0/1 B1/1 B0 B1", Order(PipelineSchedule.Interleaved, 2, 2, 2, 0));
        Assert.Equal("F0 F1 F0/1 B0/1 F1/1 B1/1 B0 B1", Order(PipelineSchedule.Interleaved, 2, 2, 2, 1));
    }

    [Theory]
    [InlineData(PipelineSchedule.GPipe, 4, 1, 6)]
    [InlineData(PipelineSchedule.OneFOneB, 8, 1, 5)]
    [InlineData(PipelineSchedule.Interleaved, 4, 3, 8)]
    [InlineData(PipelineSchedule.Interleaved, 4, 2, 10)]
    public void Should_Run_Each_Pass_Exactly_Once_With_Each_Backward_After_Its_Forward(PipelineSchedule schedule, int p, int v, int m)
    {
        for (int stage = 0; stage < p; stage++)
        {
            var order = PipelineSchedules.Order(schedule, p, v, m, stage);
            Assert.Equal(2 * m * v, order.Distinct().Count());
            for (int i = 0; i < order.Length; i++)
            {
                if (order[i].IsForward) continue;
                int forward = Array.IndexOf(order, order[i] with { Pass = PipelinePass.Forward });
                Assert.InRange(forward, 0, i - 1);
            }
        }
    }

    [Fact]
    public void Should_Execute_Passes_On_Each_Group_In_Schedule_Order()
    {
        var result = StepTimeline.Run(PipelineBubbleTests.Uniform(PipelineSchedule.Interleaved, 4, 2, 8), recordEvents: true);
        for (int stage = 0; stage < 4; stage++)
        {
            var executed = result.Events.Where(e => e.Group == stage && e.Kind is WorkKind.Forward or WorkKind.Backward)
                .OrderBy(e => e.Start).Select(e => new PipelineOp(e.Kind == WorkKind.Forward ? PipelinePass.Forward : PipelinePass.Backward, e.Chunk, e.MicroBatch));
            Assert.Equal(PipelineSchedules.Order(PipelineSchedule.Interleaved, 4, 2, 8, stage), executed);
        }
    }

    private static string Order(PipelineSchedule schedule, int p, int v, int m, int stage) =>
        string.Join(' ', PipelineSchedules.Order(schedule, p, v, m, stage));
}
