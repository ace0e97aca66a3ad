using ScalePlanner.Simulator.Layouts;
using ScalePlanner.Simulator.Specs;
using static TorchSharp.torch;

namespace ScalePlanner.Executor.Model;

/// <summary>
/// A pre-norm transformer block: x + attn(norm(x)), then x + mlp(norm(x)) (Radford et al. 2019, §2.3). Under full recomputation
/// only the block's input is kept and the whole block runs again in backward (Korthikanti et al. 2022, §4 "full"); selective
/// recomputation is the attention's business (<see cref="CausalSelfAttention"/>).
/// </summary>
public sealed class Block : nn.Module<Tensor, Tensor>
{
    private readonly nn.Module<Tensor, Tensor> ln_1, ln_2;
    private readonly CausalSelfAttention attn;
    private readonly Mlp mlp;
    private readonly bool recomputeAll;

    public Block(ModelSpec model, bool fusedAttention, RecomputeMode recompute) : base(nameof(Block))
    {
        recomputeAll = recompute == RecomputeMode.Full;
        ln_1 = Norm.Of(model);
        attn = new CausalSelfAttention(model, fusedAttention, recompute == RecomputeMode.Selective);
        ln_2 = Norm.Of(model);
        mlp = new Mlp(model);
        RegisterComponents();
    }

    public override Tensor forward(Tensor x) => recomputeAll ? Recomputed.Apply(inputs => Compute(inputs[0]), x) : Compute(x);

    private Tensor Compute(Tensor x)
    {
        x = x + attn.forward(ln_1.forward(x));
        return x + mlp.forward(ln_2.forward(x));
    }
}
