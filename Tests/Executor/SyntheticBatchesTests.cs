using ScalePlanner.Executor.Data;

namespace ScalePlanner.Tests.Executor;

public class SyntheticBatchesTests
{
    private static readonly MarkovSource Source = new(16, 3, seed: 1);

    [Fact]
    public void Should_Give_The_Same_Rows_However_The_Stream_Is_Cut_Into_Micro_Batches()
    {
        var whole = new SyntheticBatches(Source, 8, seed: 4).Next(6).Inputs;
        var pieces = new SyntheticBatches(Source, 8, seed: 4);
        var cut = TorchSharp.torch.cat([pieces.Next(2).Inputs, pieces.Next(1).Inputs, pieces.Next(3).Inputs]);
        Assert.True(whole.equal(cut).all().item<bool>());
        Assert.Equal(6, pieces.Position);
    }

    [Fact]
    public void Should_Continue_Exactly_Where_A_Source_Started_At_A_Position_Begins()
    {
        var first = new SyntheticBatches(Source, 8, seed: 4);
        first.Next(5);
        var resumed = new SyntheticBatches(Source, 8, seed: 4, position: 5);
        var (inputs, targets) = first.Next(3);
        var (resumedInputs, resumedTargets) = resumed.Next(3);
        Assert.True(inputs.equal(resumedInputs).all().item<bool>() && targets.equal(resumedTargets).all().item<bool>());
        Assert.False(inputs.equal(new SyntheticBatches(Source, 8, seed: 5, position: 5).Next(3).Inputs).all().item<bool>(), "another seed gives other rows");
    }

    [Fact]
    public void Should_Shift_Targets_By_One_Token()
    {
        var (inputs, targets) = new SyntheticBatches(Source, 8, seed: 2).Next(4);
        Assert.Equal([4L, 8L], inputs.shape);
        Assert.True(inputs[.., 1..].equal(targets[.., ..7]).all().item<bool>());
    }
}
