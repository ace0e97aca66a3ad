using ScalePlanner.Executor.Model;
using ScalePlanner.Simulator.Layouts;
using ScalePlanner.Simulator.Specs;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace ScalePlanner.Executor.Distributed;

/// <summary>
/// One rank's share of a <see cref="Block"/>. Under Megatron-LM tensor parallelism (Shoeybi et al. 2019, §3) the query, key and
/// value projections and the MLP's input projections are split by output rows (column-parallel; heads/tp query heads and
/// kvHeads/tp key/value heads per rank), the attention output projection and the MLP's output projection by input columns
/// (row-parallel). f (<see cref="TensorGroup.CopyTo"/>) precedes each column-parallel pair and g (<see cref="TensorGroup.ReduceFrom"/>)
/// follows each row-parallel layer; the row-parallel bias is added once, after g. Norms stay replicated; with sequence
/// parallelism they, the residual adds and the biases after g work on this rank's T/tp positions (see <see cref="TensorGroup"/>).
/// With tp = 1 the shards are the whole weights and f and g do nothing. Attention runs over the tokens this rank holds
/// (<see cref="SequenceAttention"/>: the whole sequence, or a context-parallel rank's chunks around the ring). Recomputation is
/// that of the one-process <see cref="Block"/>: selective keeps q, k, v and recomputes the attention core, full keeps the
/// block's input and recomputes the whole block, collectives included (Korthikanti et al. 2022, §4; Megatron-LM recomputes
/// the tensor-parallel all-reduces too). The shards are cut from the whole block built under the run's seed, so the ranks
/// together hold exactly the one-process weights. A mixture-of-experts block keeps its <see cref="MoeLayer"/> (tp = 1), with this
/// ep rank's routed experts and tokens carried by the <see cref="ExpertExchange"/> when the experts are split.
/// </summary>
public sealed class ShardedBlock : nn.Module<Tensor, Tensor>
{
    /// <summary>Names of split parameters end with this; the others are replicated over the tensor group.</summary>
    public const string ShardSuffix = "_shard";

    private readonly nn.Module<Tensor, Tensor> ln_1, ln_2;
    private readonly Parameter q_shard, k_shard, v_shard, o_shard;
    private readonly Parameter? up_shard, down_shard;
    private readonly MoeLayer? moe;
    private readonly Parameter? q_bias_shard, k_bias_shard, v_bias_shard, up_bias_shard, gate_shard, gate_bias_shard, o_bias, down_bias;
    private readonly TensorGroup group;
    private readonly SequenceAttention attention;
    private readonly int heads, kvHeads, headDim;
    private readonly Rotary? rotary;
    private readonly RecomputeMode recompute;

    /// <param name="experts">The exchange over this rank's expert group; null: an MoE block keeps every expert.</param>
    public ShardedBlock(Block block, ModelSpec model, TensorGroup group, SequenceAttention attention, RecomputeMode recompute = RecomputeMode.None, ExpertExchange? experts = null) : base(nameof(ShardedBlock))
    {
        if (!LayoutRules.TpSplitsKvHeads(model, group.Size))
            throw new SpecException("layout.tp", $"tensor-parallel execution splits key/value heads: tp={group.Size} must divide model.kvHeads={model.KvHeads}");
        this.group = group;
        this.attention = attention;
        this.recompute = recompute;
        heads = model.Heads / group.Size;
        kvHeads = model.KvHeads / group.Size;
        headDim = model.HeadDim;
        var children = block.named_children().ToDictionary(c => c.name, c => c.module);
        ln_1 = (nn.Module<Tensor, Tensor>)children["ln_1"];
        ln_2 = (nn.Module<Tensor, Tensor>)children["ln_2"];
        var weights = block.named_parameters().ToDictionary(p => p.name, p => p.parameter);
        q_shard = Rows(weights["attn.q_proj.weight"]);
        k_shard = Rows(weights["attn.k_proj.weight"]);
        v_shard = Rows(weights["attn.v_proj.weight"]);
        o_shard = Columns(weights["attn.o_proj.weight"]);
        moe = children.GetValueOrDefault("moe") is MoeLayer whole ? (experts is null ? whole : whole.Local(experts, experts.FirstExpert)) : null;
        up_shard = moe is null ? Rows(weights["mlp.up_proj.weight"]) : null;
        down_shard = moe is null ? Columns(weights["mlp.down_proj.weight"]) : null;
        gate_shard = weights.TryGetValue("mlp.gate_proj.weight", out var gate) ? Rows(gate) : null;
        q_bias_shard = OptionalRows(weights, "attn.q_proj.bias");
        k_bias_shard = OptionalRows(weights, "attn.k_proj.bias");
        v_bias_shard = OptionalRows(weights, "attn.v_proj.bias");
        up_bias_shard = OptionalRows(weights, "mlp.up_proj.bias");
        gate_bias_shard = OptionalRows(weights, "mlp.gate_proj.bias");
        o_bias = weights.TryGetValue("attn.o_proj.bias", out var ob) ? ob : null;
        down_bias = weights.TryGetValue("mlp.down_proj.bias", out var db) ? db : null;
        rotary = model.Positions == PositionEmbedding.Rotary ? new Rotary(headDim, model.SequenceLength) : null;
        RegisterComponents();
    }

    /// <summary>This rank's rows [r·n/tp, (r + 1)·n/tp) of a weight or bias (output features).</summary>
    private Parameter Rows(Tensor full)
    {
        long n = full.shape[0] / group.Size;
        return new Parameter(full.detach().narrow(0, group.Rank * n, n).clone());
    }

    /// <summary>This rank's columns [r·n/tp, (r + 1)·n/tp) of a weight (input features).</summary>
    private Parameter Columns(Tensor full)
    {
        long n = full.shape[1] / group.Size;
        return new Parameter(full.detach().narrow(1, group.Rank * n, n).contiguous().clone());
    }

    private Parameter? OptionalRows(Dictionary<string, Parameter> weights, string name) => weights.TryGetValue(name, out var bias) ? Rows(bias) : null;

    public override Tensor forward(Tensor x) => recompute == RecomputeMode.Full ? Recomputed.Apply(inputs => Compute(inputs[0]), x) : Compute(x);

    private Tensor Compute(Tensor x)
    {
        x = x + Attention(ln_1.forward(x));
        return x + Mlp(ln_2.forward(x));
    }

    private Tensor Attention(Tensor x)
    {
        x = group.CopyTo(x);                                                                             // f: (B, T, C) on every rank
        long b = x.shape[0], t = x.shape[1];
        var q = nn.functional.linear(x, q_shard, q_bias_shard).view(b, t, heads, headDim).transpose(1, 2);      // (B, nh/tp, T, hs)
        var k = nn.functional.linear(x, k_shard, k_bias_shard).view(b, t, kvHeads, headDim).transpose(1, 2);    // (B, nkv/tp, T, hs)
        var v = nn.functional.linear(x, v_shard, v_bias_shard).view(b, t, kvHeads, headDim).transpose(1, 2);
        if (rotary is not null)
        {
            q = attention.Rotate(rotary, q);
            k = attention.Rotate(rotary, k);
        }
        var y = recompute == RecomputeMode.Selective                                                    // softmax(qkᵀ/√d + mask)·v
            ? Recomputed.Apply(qkv => attention.Attend(qkv[0], qkv[1], qkv[2]), q, k, v)
            : attention.Attend(q, k, v);
        var partial = nn.functional.linear(y.transpose(1, 2).reshape(b, t, heads * headDim), o_shard);   // row-parallel: (B, T, C), partial sum
        var sum = group.ReduceFrom(partial);                                                             // g
        return o_bias is null ? sum : sum + o_bias;
    }

    private Tensor Mlp(Tensor x)
    {
        if (moe is not null) return moe.forward(x);                                                     // tp = 1 (ExecutionSupport)
        x = group.CopyTo(x);                                                                             // f
        var hidden = gate_shard is null
            ? nn.functional.gelu(nn.functional.linear(x, up_shard!, up_bias_shard))
            : nn.functional.silu(nn.functional.linear(x, gate_shard, gate_bias_shard)) * nn.functional.linear(x, up_shard!, up_bias_shard);
        var sum = group.ReduceFrom(nn.functional.linear(hidden, down_shard!));           // g
        return down_bias is null ? sum : sum + down_bias;
    }
}
