using ScalePlanner.Simulator.Layouts;
using ScalePlanner.Simulator.Specs;
using static TorchSharp.torch;

namespace ScalePlanner.Executor.Model;

/// <summary>
/// A pre-norm transformer block: x + attn(norm(x)), then x + mlp(norm(x)) (Radford et al. 2019, §2.3). Under full recomputation
/// only the block's input is kept and the whole block runs again in backward (Korthikanti et al. 2022, §4 "full"); selective
/// recomputation is the attention's business (<see cref="CausalSelfAttention"/>). The feed-forward part is a dense
/// <see cref="Mlp"/> or, in a mixture-of-experts layer, a <see cref="MoeLayer"/>.
/// </summary>
public sealed class Block : nn.Module<Tensor, Tensor>
{
    private readonly nn.Module<Tensor, Tensor> ln_1, ln_2;
    private readonly CausalSelfAttention attn;
    private readonly Mlp? mlp;
    private readonly MoeLayer? moe;
    private readonly bool recomputeAll;

    /// <param name="moe">The block's mixture-of-experts layer; null: a dense MLP of model.ffnHidden.</param>
    public Block(ModelSpec model, bool fusedAttention, RecomputeMode recompute, MoeLayer? moe = null) : base(nameof(Block))
    {
        recomputeAll = recompute == RecomputeMode.Full;
        ln_1 = Norm.Of(model);
        attn = new CausalSelfAttention(model, fusedAttention, recompute == RecomputeMode.Selective);
        ln_2 = Norm.Of(model);
        this.moe = moe;
        mlp = moe is null ? new Mlp(model) : null;
        RegisterComponents();
    }

    public override Tensor forward(Tensor x) => recomputeAll ? Recomputed.Apply(inputs => Compute(inputs[0]), x) : Compute(x);

    private Tensor Compute(Tensor x)
    {
        x = x + attn.forward(ln_1.forward(x));
        return x + (moe ?? (nn.Module<Tensor, Tensor>)mlp!).forward(ln_2.forward(x));
    }
}
