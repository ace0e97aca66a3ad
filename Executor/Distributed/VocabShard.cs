using TorchSharp.Modules;
using static TorchSharp.torch;

namespace ScalePlanner.Executor.Distributed;

/// <summary>
/// One tensor rank's rows of a vocabulary-sized weight, the token embedding or an untied output layer, under Megatron-LM's
/// vocabulary parallelism (Shoeybi et al. 2019, §3): rank t holds rows [t·V/tp, (t + 1)·V/tp) (<see cref="VocabRange"/>), cut
/// from the whole model's weight built under the run's seed, so the ranks together hold exactly the one-process weights. As the
/// input embedding (Megatron-LM's VocabParallelEmbedding) it looks up the ids in its rows, gives a zero row for the others and
/// sums over the group with g; as the output layer (ColumnParallelLinear with parallel_output) it takes the hidden state through
/// f and returns this rank's V/tp logits, for <see cref="VocabParallelCrossEntropy"/>.
/// </summary>
public sealed class VocabShard : nn.Module<Tensor, Tensor>
{
    // The name ends with ShardedBlock.ShardSuffix: every tensor rank counts its rows in the gradient norm.
    private readonly Parameter weight_shard;
    private readonly TensorGroup group;
    private readonly VocabRange range;

    /// <param name="whole">The whole weight (V, C).</param>
    public VocabShard(Tensor whole, TensorGroup group) : base(nameof(VocabShard))
    {
        this.group = group;
        range = VocabRange.Of(whole.shape[0], group);
        weight_shard = new Parameter(whole.detach().narrow(0, range.First, range.Count).clone());
        RegisterComponents();
    }

    /// <summary>Token ids (B, T) → their embeddings (B, T, C), replicated on every rank of the group.</summary>
    public override Tensor forward(Tensor ids)
    {
        var (index, elsewhere) = range.Locate(ids);
        var rows = weight_shard.index_select(0, index.flatten()).view(ids.shape[0], ids.shape[1], -1);   // (B, T, C)
        return group.Sum(rows.masked_fill(elsewhere.unsqueeze(-1), 0));                                   // g
    }

    /// <summary>Hidden states (B, T, C), or (B, T/tp, C) with sequence parallelism → this rank's logits (B, T, V/tp).</summary>
    public Tensor Logits(Tensor x) => group.CopyTo(x).matmul(weight_shard.t());   // f, then x·W_shardᵀ
}
