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

/// <summary>
/// The interleaved 1F1B order (Megatron-Core's forward_backward_pipelining_with_interleaving): the exact order of one stage, and
/// for many shapes that every stage's order, with non-blocking sends and blocking receives, runs to the end without deadlock.
/// </summary>
public class InterleavedOrderTests
{
    private static string Spell(IEnumerable<PipelineTask> order) => string.Join(" ", order.Select(t => $"{(t.Forward ? 'F' : 'B')}{t.MicroBatch}c{t.Chunk}"));

    [Fact]
    public void Should_Order_Stage_0_Of_2_With_2_Chunks_And_4_Micro_Batches_As_Megatron_Core_Does() =>
        // Groups of pp = 2 micro-batches go through chunk 0, then chunk 1; 2·(2 − 0 − 1) + (2 − 1)·2 = 4 warm-up forwards;
        // the k-th backward takes the k-th forward's micro-batch through the mirrored chunk.
        Assert.Equal("F0c0 F1c0 F0c1 F1c1 F2c0 B0c1 F3c0 B1c1 F2c1 B0c0 F3c1 B1c0 B2c1 B3c1 B2c0 B3c0",
            Spell(PipelineOrder.For(PipelineSchedule.Interleaved, 0, 2, 4, 2)));

    [Theory]
    [InlineData(2, 2, 2)]
    [InlineData(2, 2, 4)]
    [InlineData(2, 3, 6)]
    [InlineData(3, 2, 3)]
    [InlineData(3, 2, 5)]   // micro-batches not a multiple of pp: the last group is smaller
    [InlineData(4, 2, 8)]
    [InlineData(4, 3, 7)]
    [InlineData(4, 2, 3)]   // fewer micro-batches than stages: one group, smaller than pp
    [InlineData(4, 2, 1)]
    public void Should_Run_Every_Pass_Once_Without_Deadlock(int stages, int chunks, int microBatches)
    {
        int virtualStages = stages * chunks;
        var orders = Enumerable.Range(0, stages).Select(s => PipelineOrder.For(PipelineSchedule.Interleaved, s, stages, microBatches, chunks)).ToArray();
        foreach (var order in orders)
            Assert.Equal(2 * chunks * microBatches, order.Distinct().Count());
        var forward = new bool[virtualStages, microBatches];
        var backward = new bool[virtualStages, microBatches];
        var next = new int[stages];
        bool progressed = true;
        while (progressed)
        {
            progressed = false;
            for (int s = 0; s < stages; s++)
            {
                if (next[s] == orders[s].Count) continue;
                var task = orders[s][next[s]];
                int k = s + task.Chunk * stages, m = task.MicroBatch;
                // A receive blocks until the neighbour's send was issued; sends never block.
                bool ready = task.Forward ? k == 0 || forward[k - 1, m] : forward[k, m] && (k == virtualStages - 1 || backward[k + 1, m]);
                if (!ready) continue;
                (task.Forward ? forward : backward)[k, m] = true;
                next[s]++;
                progressed = true;
            }
        }
        Assert.True(next.Select((n, s) => n == orders[s].Count).All(done => done), $"deadlock: stages stopped at tasks {string.Join(", ", next)}");
    }
}
