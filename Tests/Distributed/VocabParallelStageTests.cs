using ScalePlanner.Executor.Distributed;
using ScalePlanner.Executor.Model;
using ScalePlanner.Tests.Executor;
using static TorchSharp.torch;

namespace ScalePlanner.Tests.Distributed;

/// <summary>
/// The vocabulary split a tensor rank's stage holds (Megatron-LM's VocabParallelEmbedding and vocabulary-parallel output
/// layer): tensor rank 1 of 2 must keep rows [V/2, V) of the whole model's token embedding and untied output layer, not the
/// whole vocabulary. Only the stage is built, no collective runs, so the tensor group needs no MPI.
/// </summary>
[Collection(TorchCollection.Name)]
public class VocabParallelStageTests
{
    private const int Tp = 2, TensorRank = 1;

    private static TensorGroup Group() => new(null!, 0, Tp, TensorRank);

    /// <summary>Builds stage <paramref name="stage"/> of <paramref name="stages"/> on tensor rank 1 of 2, and the whole model's vocabulary-sized weights by name.</summary>
    private static (StageModel Stage, Dictionary<string, Tensor> Whole) Build(bool tied, int stage, int stages)
    {
        manual_seed(1);
        var model = new GptModel(TinyModels.Gpt with { TiedEmbeddings = tied }, fusedAttention: false);
        var whole = model.named_parameters().Where(p => p.name is "wte.weight" or "lm_head.weight").ToDictionary(p => p.name, p => p.parameter.detach().clone());
        return (new StageModel(model, stage, stages, Group(), fusedAttention: false), whole);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void Should_Hold_This_Tensor_Ranks_Rows_Of_The_Vocabulary_And_Count_Them_In_The_Norm_On_Every_Rank(bool tied)
    {
        var (stage, whole) = Build(tied, stage: 0, stages: 1);
        using var disposeStage = stage;
        var vocabulary = stage.named_parameters().Where(p => p.name.StartsWith("wte.", StringComparison.Ordinal) || p.name.StartsWith("lm_head.", StringComparison.Ordinal)).ToList();
        Assert.Equal(tied ? new[] { "wte.weight_shard" } : ["lm_head.weight_shard", "wte.weight_shard"], vocabulary.Select(p => p.name).Order());
        long rows = TinyModels.Gpt.Vocab / Tp;
        foreach (var (name, shard) in vocabulary)
        {
            var expected = whole[name.Replace("_shard", "", StringComparison.Ordinal)].narrow(0, TensorRank * rows, rows);
            Assert.Equal(new[] { rows, TinyModels.Gpt.Hidden }, shard.shape);
            Assert.True(shard.detach().equal(expected).all().item<bool>(), $"{name} is not rows [{TensorRank * rows}, {(TensorRank + 1) * rows}) of the whole weight");
            Assert.True(stage.CountsInNorm(name, TensorRank), $"{name} is distinct on every tensor rank, so tensor rank {TensorRank} must count it");
        }
    }

    [Fact]
    public void Should_Keep_The_Same_Rows_As_The_Tied_Copy_On_The_Last_Stage_And_Leave_It_Out_Of_The_Norm()
    {
        var (stage, whole) = Build(tied: true, stage: 1, stages: 2);
        using var disposeStage = stage;
        long rows = TinyModels.Gpt.Vocab / Tp;
        var shared = stage.SharedEmbedding ?? throw new InvalidOperationException("the last stage of two holds no copy of the tied embedding");
        Assert.True(shared.detach().equal(whole["wte.weight"].narrow(0, TensorRank * rows, rows)).all().item<bool>(), "the last stage's copy is not this tensor rank's rows");
        Assert.False(stage.CountsInNorm("wte.weight_shard", TensorRank), "the first stage counts the tied embedding; its copy must not count twice");
    }
}
