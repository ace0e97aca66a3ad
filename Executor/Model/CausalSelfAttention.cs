using ScalePlanner.Simulator.Specs;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace ScalePlanner.Executor.Model;

/// <summary>Causal self-attention with grouped-query heads (Ainslie et al. 2023): kvHeads key/value heads shared by heads/kvHeads query heads each.</summary>
public sealed class CausalSelfAttention : nn.Module<Tensor, Tensor>
{
    private readonly Linear q_proj, k_proj, v_proj, o_proj;
    private readonly int heads, kvHeads, headDim;
    private readonly Rotary? rotary;
    private readonly bool fused;
    private readonly Tensor? mask;

    /// <param name="fused">LibTorch's fused scaled-dot-product kernel (FlashAttention-style) or the explicit scores → mask → softmax → values path the 2021 kernels and the cost model's unfused path take.</param>
    public CausalSelfAttention(ModelSpec model, bool fused) : base(nameof(CausalSelfAttention))
    {
        this.fused = fused;
        mask = fused ? null : full(model.SequenceLength, model.SequenceLength, float.NegativeInfinity).triu(1);
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
        if (kvHeads != heads)
        {
            k = k.repeat_interleave(heads / kvHeads, dim: 1);                       // (B, nh, T, hs)
            v = v.repeat_interleave(heads / kvHeads, dim: 1);
        }
        var y = fused
            ? nn.functional.scaled_dot_product_attention(q, k, v, is_casual: true)                          // softmax(qkᵀ/√d + mask)·v
            : (q.matmul(k.transpose(-2, -1)) / Math.Sqrt(headDim)).add(mask![..(int)t, ..(int)t].to(x.device).to(x.dtype)).softmax(-1).matmul(v);
        return o_proj.forward(y.transpose(1, 2).reshape(b, t, heads * headDim));    // (B, T, C)
    }
}
