using ScalePlanner.Simulator.Specs;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace ScalePlanner.Executor.Model;

/// <summary>
/// Causal self-attention with grouped-query heads (Ainslie et al. 2023): kvHeads key/value heads shared by heads/kvHeads query
/// heads each. Selective recomputation keeps only q, k, v of the attention core softmax(qkᵀ/√d + mask)·v and recomputes the
/// core in backward, so the T×T scores and probabilities are never stored (Korthikanti et al. 2022, §4).
/// </summary>
public sealed class CausalSelfAttention : nn.Module<Tensor, Tensor>
{
    private readonly Linear q_proj, k_proj, v_proj, o_proj;
    private readonly int heads, kvHeads, headDim;
    private readonly Rotary? rotary;
    private readonly bool recomputeCore;
    private readonly Tensor? mask;

    /// <param name="fused">LibTorch's fused scaled-dot-product kernel (FlashAttention-style) or the explicit scores → mask → softmax → values path the 2021 kernels and the cost model's unfused path take.</param>
    /// <param name="recomputeCore">Selective recomputation of the attention core.</param>
    public CausalSelfAttention(ModelSpec model, bool fused, bool recomputeCore = false) : base(nameof(CausalSelfAttention))
    {
        this.recomputeCore = recomputeCore;
        mask = AttentionCore.CausalMask(model.SequenceLength, fused);
        heads = model.Heads;
        kvHeads = model.KvHeads;
        headDim = model.HeadDim;
        q_proj = nn.Linear(model.Hidden, model.Hidden, hasBias: model.Biases);
        k_proj = nn.Linear(model.Hidden, model.KvHidden, hasBias: model.Biases);
        v_proj = nn.Linear(model.Hidden, model.KvHidden, hasBias: model.Biases);
        o_proj = nn.Linear(model.Hidden, model.Hidden, hasBias: model.Biases);
        rotary = model.Positions == PositionEmbedding.Rotary ? new Rotary(headDim, model.SequenceLength) : null;
        RegisterComponents();
    }

    public override Tensor forward(Tensor x)
    {
        long b = x.shape[0], t = x.shape[1];
        var q = q_proj.forward(x).view(b, t, heads, headDim).transpose(1, 2);      // (B, nh, T, hs)
        var k = k_proj.forward(x).view(b, t, kvHeads, headDim).transpose(1, 2);    // (B, nkv, T, hs)
        var v = v_proj.forward(x).view(b, t, kvHeads, headDim).transpose(1, 2);
        if (rotary is not null)
        {
            q = rotary.Apply(q);
            k = rotary.Apply(k);
        }
        (k, v) = AttentionCore.SharedKeyValues(k, v, heads);                       // (B, nh, T, hs)
        var y = recomputeCore ? Recomputed.Apply(qkv => AttentionCore.Apply(qkv[0], qkv[1], qkv[2], mask), q, k, v) : AttentionCore.Apply(q, k, v, mask);
        return o_proj.forward(y.transpose(1, 2).reshape(b, t, heads * headDim));    // (B, T, C)
    }
}
