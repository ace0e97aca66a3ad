using ScalePlanner.Executor.Data;
using ScalePlanner.Executor.Measurements;
using ScalePlanner.Executor.Model;
using ScalePlanner.Executor.Training;
using static TorchSharp.torch;

namespace ScalePlanner.Tests.Executor;

[Collection(TorchCollection.Name)]
public class SpikeResponseTests
{
    /// <summary>The Markov rows, except that rows in [from, to) get uniformly random targets: a batch no model predicts, a loss spike.</summary>
    private sealed class SpikyBatches(IBatchSource inner, long from, long to) : IBatchSource
    {
        public long Position => inner.Position;

        public (Tensor Inputs, Tensor Targets) Next(int count)
        {
            long start = inner.Position;
            var (inputs, targets) = inner.Next(count);
            return start >= from && start < to ? (inputs, randint(TinyModels.Gpt.Vocab, targets.shape, dtype: int64)) : (inputs, targets);
        }
    }

    private const int SpikeStep = 25, Batch = 8;

    private static List<StepMetrics> Train(SpikeAction action, string? folder)
    {
        var source = new MarkovSource(TinyModels.Gpt.Vocab, 2, seed: 4);
        manual_seed(7);
        using var model = new GptModel(TinyModels.Gpt);
        var options = new TrainerOptions(Batch, Batch, 32, new LearningRateSchedule(3e-3, 5, 32))
        {
            Guards = new GuardOptions(action, SpikeWindow: 10),
            Checkpoints = folder is null ? null : new CheckpointOptions(folder, Every: 10),
        };
        var batches = new SpikyBatches(new SyntheticBatches(source, TinyModels.Gpt.SequenceLength, seed: 3), SpikeStep * Batch, (SpikeStep + 1) * Batch);
        return Trainer.Run(model, options, batches);
    }

    [Fact]
    public void Should_Only_Flag_A_Spike_Under_Warn()
    {
        var steps = Train(SpikeAction.Warn, null);
        Assert.Equal([SpikeStep], steps.Where(s => s.Spike).Select(s => s.Step));
        Assert.DoesNotContain(steps, s => s.Skipped);
    }

    [Fact]
    public void Should_Drop_The_Spiking_Update_Under_Skip()
    {
        var steps = Train(SpikeAction.Skip, null);
        var spike = Assert.Single(steps, s => s.Spike);
        Assert.Equal(SpikeStep, spike.Step);
        Assert.True(spike.Skipped);
        Assert.Equal(Enumerable.Range(0, 32), steps.Select(s => s.Step));
    }

    [Fact]
    public void Should_Roll_Back_To_The_Last_Checkpoint_And_Go_On_With_Fresh_Data()
    {
        string folder = Directory.CreateTempSubdirectory("scaleplan-rollback-").FullName;
        var steps = Train(SpikeAction.Rollback, folder);
        int at = steps.FindIndex(s => s.Spike);
        Assert.Equal(SpikeStep, steps[at].Step);
        Assert.True(steps[at].Skipped);
        Assert.Equal(20, steps[at + 1].Step);   // the checkpoint written after step 20
        Assert.Equal(32 + (SpikeStep + 1 - 20), steps.Count);
        Assert.Single(steps, s => s.Spike);     // the spiking rows are not replayed
        Assert.Equal(20, steps.Count(s => s.Step < 20));
    }
}
