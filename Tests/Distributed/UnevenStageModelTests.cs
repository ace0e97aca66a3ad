using ScalePlanner.Executor.Distributed;
using ScalePlanner.Executor.Model;
using ScalePlanner.Simulator.Layouts;
using ScalePlanner.Tests.Executor;
using static TorchSharp.torch;

namespace ScalePlanner.Tests.Distributed;

/// <summary>
/// Which blocks a pipeline stage takes when stages hold different numbers of layers: stages take consecutive blocks of the whole
/// model, the first firstStageLayers of them on stage 0, the last lastStageLayers on the last stage. Only stages are built, no
/// collective runs.
/// </summary>
[Collection(TorchCollection.Name)]
public class UnevenStageModelTests
{
    [Theory]
    [InlineData(2, 1, 3, new[] { 0 }, new[] { 1, 2, 3 })]
    [InlineData(3, 1, 1, new[] { 0 }, new[] { 1, 2 }, new[] { 3 })]
    public void Should_Take_Consecutive_Blocks_Of_The_Whole_Model_In_The_Split_Counts(int pp, int first, int last, params int[][] blocksOfStage)
    {
        var spec = TinyModels.Gpt with { Layers = 4 };
        var split = StageSplit.Of(spec.Layers, new Layout { Pp = pp, FirstStageLayers = first, LastStageLayers = last });
        for (int stage = 0; stage < pp; stage++)
        {
            manual_seed(1);
            var model = new GptModel(spec, fusedAttention: false);
            var whole = model.named_parameters().ToDictionary(p => p.name, p => p.parameter.detach().clone());
            using var part = new StageModel(model, stage, pp, fusedAttention: false, split: split);
            var blocks = part.named_parameters().Where(p => p.name.StartsWith("h.", StringComparison.Ordinal)).ToList();
            int perBlock = whole.Keys.Count(name => name.StartsWith("h.0.", StringComparison.Ordinal));
            Assert.Equal(blocksOfStage[stage].Length * perBlock, blocks.Count);
            foreach (var (name, parameter) in blocks)
            {
                int local = int.Parse(name.Split('.')[1], System.Globalization.CultureInfo.InvariantCulture);
                string wholeName = $"h.{blocksOfStage[stage][local]}.{WholeName(string.Join('.', name.Split('.').Skip(2)))}";
                Assert.True(parameter.detach().equal(whole[wholeName]).all().item<bool>(), $"stage {stage}'s {name} is not the whole model's {wholeName}");
            }
        }
    }

    /// <summary>A stage's block holds the whole model's block weights as shards (all of them at tp=1) under its own names.</summary>
    private static string WholeName(string shard) => shard switch
    {
        "q_shard" or "k_shard" or "v_shard" or "o_shard" => $"attn.{shard[0]}_proj.weight",
        "q_bias_shard" or "k_bias_shard" or "v_bias_shard" => $"attn.{shard[0]}_proj.bias",
        "o_bias" => "attn.o_proj.bias",
        "up_shard" or "down_shard" or "gate_shard" => $"mlp.{shard[..shard.IndexOf('_')]}_proj.weight",
        "up_bias_shard" or "gate_bias_shard" or "down_bias" => $"mlp.{shard[..shard.IndexOf('_')]}_proj.bias",
        _ => shard,
    };
}
